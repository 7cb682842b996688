// Behaviour shared by every page. Everything here only improves pages that work without it.
(function () {
  "use strict";

  // After a failed submit the page names what went wrong (an error summary, a duplicate
  // warning): move the focus there, so keyboard and screen-reader users start with it rather
  // than at the top of the page. It carries tabindex="-1" to take the focus.
  var notice = document.querySelector("[data-focus-on-load]");
  if (notice) { notice.focus(); }

  function isShown(element) {
    return element.getClientRects().length > 0;
  }

  // A link to a field in error: a browser scrolls to the field but leaves the focus where it
  // was. Focus the field itself, and keep its label (or legend) in sight above it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target || !isShown(target)) { return; }
    event.preventDefault();
    var caption = target.closest("fieldset.choices, .field");
    var heading = caption && caption.querySelector("legend, label");
    (heading || target).scrollIntoView({ block: "start" });
    if (!target.matches("input, select, textarea, button, a[href]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  });
}());
