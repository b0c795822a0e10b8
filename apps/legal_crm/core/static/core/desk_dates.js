/* Django's admin puts a red warning mark («Ваше время опережает время сервера…») beside every date and time field
   when the browser's time zone differs from the server's — in every office east or west of Moscow. A date has no
   time of day, so a correct date must not look wrong: the warning stays only beside time fields. */
(function () {
  "use strict";
  function patch() {
    var shortcuts = window.DateTimeShortcuts;
    if (!shortcuts || shortcuts.datesWithoutZoneWarning) { return; }
    var warn = shortcuts.addTimezoneWarning;
    shortcuts.addTimezoneWarning = function (input) {
      if (input.classList.contains("vDateField")) { return; }
      return warn.apply(this, arguments);
    };
    shortcuts.datesWithoutZoneWarning = true;
  }
  document.addEventListener("DOMContentLoaded", patch);
})();
