// Accessible names for the editor's fields that Wagtail leaves unnamed (axe: aria-input-field-name,
// label): Draftail's rich-text boxes and the text box of the tag field. Screen-reader users hear
// "Paragraph, rich text" or "Tags: add a tag" instead of an anonymous "edit text". Blocks added
// later (a new paragraph, a tag field drawn by a script) are named when they appear.
(function () {
  "use strict";

  function labelText(id) {
    if (!id) return "";
    var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    return label ? label.textContent.replace(/\s+/g, " ").replace(/\*/g, "").trim() : "";
  }

  function richTextName(box) {
    var field = box.closest("[data-field-input], [data-streamfield-widget]");
    var hidden = field && field.querySelector("input[type=hidden][id]");
    var name = labelText(hidden && hidden.id);
    if (!name) {
      var block = box.closest("section.w-panel");
      var type = block && block.querySelector(".c-sf-block__type");
      name = type ? type.textContent.trim() : "";
    }
    return (name || "Text") + ", rich text";
  }

  function tagBoxName(input) {
    var list = input.closest("ul.tagit");
    var source = list && list.previousElementSibling;
    var name = labelText(source && source.id) || "Tags";
    return name + ": add a tag";
  }

  function nameFields(root) {
    root.querySelectorAll(".public-DraftEditor-content[role=textbox]").forEach(function (box) {
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", richTextName(box));
      }
    });
    root.querySelectorAll("ul.tagit input.ui-autocomplete-input").forEach(function (input) {
      if (!input.hasAttribute("aria-label") && !input.labels.length) {
        input.setAttribute("aria-label", tagBoxName(input));
      }
    });
  }

  function start() {
    nameFields(document);
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i += 1) {
        if (changes[i].addedNodes.length) {
          nameFields(document);
          return;
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
