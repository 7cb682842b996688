// Intake form: person search for each party, "add another victim", anonymous toggle.
// The form works without this file: it then offers three victim rows and no search.
(function () {
  "use strict";

  var form = document.querySelector(".intake-form");
  if (!form) { return; }
  var DELAY_MS = 250;
  var timers = new WeakMap();

  function partyOf(element) {
    return element.closest(".victim-row") || element.closest(".complainant-details");
  }

  function showPicked(party, label) {
    party.querySelector(".picked-name").textContent = label;
    party.querySelector(".picked").hidden = !label;
    party.querySelector(".new-person").hidden = Boolean(label);
  }

  function pick(party, person) {
    party.querySelector("input[type=hidden][name$='person_id']").value = String(person.id);
    showPicked(party, person.full_name + " " + person.iin);
    var list = party.querySelector(".suggestions");
    list.hidden = true;
    list.replaceChildren();
    party.querySelector(".person-search").value = "";
  }

  function describe(person) {
    var parts = [person.full_name];
    if (person.iin) { parts.push(person.iin); }
    if (person.birth_year) { parts.push(String(person.birth_year)); }
    return parts.join(" · ");
  }

  function render(party, people) {
    var list = party.querySelector(".suggestions");
    var status = party.querySelector(".search-status");
    list.replaceChildren();
    people.forEach(function (person) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = describe(person);  // text only: names never become markup
      button.addEventListener("click", function () { pick(party, person); });
      var item = document.createElement("li");
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = people.length === 0;
    status.textContent = people.length ? "" : (form.dataset.noMatch || "");
  }

  function search(input) {
    var party = partyOf(input);
    var query = input.value.trim();
    if (query.length < 2) { render(party, []); return; }
    var url = input.closest(".person-picker").dataset.searchUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (people) { render(party, people); })
      .catch(function () { render(party, []); });
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList.contains("person-search")) { return; }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, DELAY_MS));
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest(".clear-person");
    if (!button) { return; }
    var party = partyOf(button);
    party.querySelector("input[type=hidden][name$='person_id']").value = "";
    showPicked(party, "");
  });

  // -- victims: keep one empty row, clone it on demand -------------------------------------
  var victims = form.querySelector(".victims");
  var addButton = document.getElementById("add-victim");

  function isBlank(row) {
    var filled = Array.prototype.some.call(row.querySelectorAll("input"), function (input) {
      if (input.type === "checkbox") { return input.checked; }
      return input.type !== "search" && input.value.trim() !== "";
    });
    return !filled && !row.querySelector(".error");
  }

  function rows() { return victims.querySelectorAll(".victim-row"); }

  function renumber() {
    rows().forEach(function (row, n) { row.querySelector(".victim-number").textContent = n + 1; });
  }

  function nextIndex() {
    var max = -1;
    rows().forEach(function (row) { max = Math.max(max, Number(row.dataset.index)); });
    return max + 1;
  }

  function reset(row, index) {
    row.dataset.index = String(index);
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/victims-\d+-/g, "victims-" + index + "-")); }
      });
    });
    row.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
      input.removeAttribute("aria-invalid");
    });
    row.querySelectorAll("select").forEach(function (select) {
      select.value = select.querySelector("option[value=unknown]") ? "unknown" : select.options[0].value;
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    // Users who may not search people (monitors) get no picker, hence no suggestions list.
    var suggestions = row.querySelector(".suggestions");
    if (suggestions) { suggestions.replaceChildren(); }
    showPicked(row, "");
  }

  if (victims && addButton) {
    Array.prototype.slice.call(rows(), 1).forEach(function (row) {
      if (isBlank(row)) { row.remove(); }
    });
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var all = rows();
      var copy = all[0].cloneNode(true);
      reset(copy, nextIndex());
      all[all.length - 1].after(copy);
      renumber();
      var first = copy.querySelector("input[name$='full_name']");
      if (first) { first.focus(); }
    });
    renumber();
  }

  // -- the anonymous box hides the complainant's details -----------------------------------
  var anonymous = form.querySelector("input[name=is_anonymous]");
  var details = form.querySelector(".complainant-details");
  if (anonymous && details) {
    var sync = function () { details.hidden = anonymous.checked; };
    anonymous.addEventListener("change", sync);
    sync();
  }

  form.querySelectorAll(".person-picker").forEach(function (picker) { picker.hidden = false; });
}());
