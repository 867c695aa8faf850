// Not a test file by itself: tests/unit/test_palette_entries.py runs it with node. It reads a
// board kind's `board-schema` (JSON on stdin) and prints, for every palette entry, the create
// op the client sends (canvas.js addCard -> main.js createAt: the schema's defaults, a place,
// a size, an order key), so the server can apply each one.

import { readFileSync } from "node:fs";

import { CanvasSchema } from "../schema.js";

const raw = JSON.parse(readFileSync(0, "utf-8"));
const schema = new CanvasSchema(raw);
const ops = schema.cardTypes().map((type, i) => ({
  op: "create",
  id: `palette-${i}-${type}`.slice(0, 40),
  type,
  fields: { ...schema.defaults(type), x: 300 * i, y: 0, w: 240, h: 140, z: `a${i}` },
}));
process.stdout.write(JSON.stringify(ops));
