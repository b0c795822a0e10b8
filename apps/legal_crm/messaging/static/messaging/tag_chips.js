// A click on a tag chip puts «{code}» into a message text at the cursor (or over the selection): into the chip's
// target field, or else the text field last focused (a script's steps each have one).
(function () {
  var lastField = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") lastField = event.target;
  });
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-tag]");
    if (!chip) return;
    event.preventDefault();
    var field = chip.dataset.target ? document.getElementById(chip.dataset.target) : lastField;
    if (!field) return;
    var tag = "{" + chip.dataset.tag + "}";
    var start = field.selectionStart, end = field.selectionEnd;
    if (typeof start !== "number") { start = end = field.value.length; }
    field.value = field.value.slice(0, start) + tag + field.value.slice(end);
    field.focus();
    field.selectionStart = field.selectionEnd = start + tag.length;
    field.dispatchEvent(new Event("input", {bubbles: true}));
  });
})();
