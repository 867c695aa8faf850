// Small enhancements for every page. Each page works without them: buttons that need
// JavaScript stay hidden until this module shows them, and every form has its own button.
// Visible text comes from data attributes that the templates fill, already translated.

import { enableJobDownloads } from "./downloads.js";

const COPY_MESSAGE_VISIBLE_MS = 6000;

/** Copy text to the clipboard; falls back to a hidden textarea where the API is missing
 *  (plain http on a local network is not a secure context). */
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  try {
    if (!document.execCommand("copy")) {
      throw new Error("copy refused");
    }
  } finally {
    area.remove();
  }
}

function enableCopyButtons(root) {
  for (const button of root.querySelectorAll("button[data-copy-text]")) {
    const status = button.nextElementSibling?.classList.contains("copy-status")
      ? button.nextElementSibling
      : null;
    let timer = null;
    button.hidden = false;
    button.addEventListener("click", async () => {
      let message;
      let failed = false;
      try {
        await copyText(button.dataset.copyText);
        message = button.dataset.copiedMessage;
      } catch {
        message = button.dataset.failedMessage;
        failed = true;
      }
      if (!status) {
        return;
      }
      status.textContent = message;
      status.classList.toggle("copy-failed", failed);
      clearTimeout(timer);
      timer = setTimeout(() => {
        status.textContent = "";
      }, COPY_MESSAGE_VISIBLE_MS);
    });
  }
}

/** Forms that remove or revoke something ask first, with the template's own question. */
function enableConfirmations(root) {
  for (const form of root.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }
}

enableCopyButtons(document);
enableConfirmations(document);
enableJobDownloads(document);
