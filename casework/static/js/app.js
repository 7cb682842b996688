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

  // A link to a part of a page that is folded away (the register's "Record a reply" opens
  // the item's page at #reply, inside a closed <details>): unfold every <details> around it,
  // then bring it into view. On load and whenever the fragment changes.
  function unfoldTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var folded = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; folded = true; }
    }
    // Its summary in sight above it.
    if (folded) { (target.closest("details") || target).scrollIntoView({ block: "start" }); }
  }
  unfoldTarget();
  window.addEventListener("hashchange", unfoldTarget);

  // Folded on a phone, open on a wide screen: the register's filters (open already when a
  // filter is set, so this only ever opens them).
  if (window.matchMedia("(min-width: 50em)").matches) {
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
      details.open = true;
    });
  }
}());
