// Visit pages: show a field only when the choice it belongs to is made (the delay for
// "access delayed", the theme of a thematic visit, the kind of an alleged reprisal). Without
// this script every field shows, and the server checks which ones apply.
(function () {
  "use strict";

  document.querySelectorAll("[data-visible-if]").forEach(function (control) {
    var rule = control.getAttribute("data-visible-if").split("=");
    var chooser = document.getElementById(rule[0]);
    var wrapper = control.closest(".field") || control;
    if (!chooser) { return; }
    function update() {
      // A field with an error stays in sight whatever the choice, so its message is read.
      var shown = chooser.value === rule[1] || wrapper.classList.contains("has-error");
      wrapper.hidden = !shown;
    }
    chooser.addEventListener("change", update);
    update();
  });
}());
