// Intake form: person search for each party (an ARIA combobox), adding and removing victim
// rows, the anonymous toggle. The form works without this file: it then offers three victim
// rows and no search. Names from the server only ever become text, never markup.
(function () {
  "use strict";

  var form = document.querySelector(".intake-form");
  if (!form) { return; }
  var DELAY_MS = 250;
  var MIN_QUERY = 2;
  // Translated by the page, one message per number of results ("0", "1" … the search limit).
  var announcements = JSON.parse(form.dataset.searchAnnouncements || "{}");
  var timers = new WeakMap();
  var found = new WeakMap();     // listbox -> the people it offers
  var latest = new WeakMap();    // search box -> number of its latest request

  // -- one party: the complainant's details or one victim row ------------------------------

  function partyOf(element) {
    return element.closest(".victim-row") || element.closest(".complainant-details");
  }

  function parts(party) {
    return {
      picker: party.querySelector(".person-picker"),
      input: party.querySelector(".person-search"),
      list: party.querySelector(".suggestions"),
      status: party.querySelector(".search-status"),
      personId: party.querySelector("input[type=hidden][name$='person_id']"),
      picked: party.querySelector(".picked"),
      change: party.querySelector(".clear-person"),
      newPerson: party.querySelector(".new-person")
    };
  }

  // A picked person replaces the search box and the fields for someone new.
  function showPicked(party, label) {
    var p = parts(party);
    p.picked.querySelector(".picked-name").textContent = label;
    p.picked.hidden = !label;
    p.newPerson.hidden = Boolean(label);
    if (p.picker) { p.picker.hidden = Boolean(label); }
  }

  // -- the combobox ---------------------------------------------------------------------------

  function options(list) { return list.querySelectorAll("[role=option]"); }

  function setActive(p, index) {
    options(p.list).forEach(function (option, n) {
      option.setAttribute("aria-selected", String(n === index));
    });
    var active = options(p.list)[index];
    if (active) {
      p.input.setAttribute("aria-activedescendant", active.id);
      active.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex(p) {
    var id = p.input.getAttribute("aria-activedescendant");
    var all = Array.prototype.slice.call(options(p.list));
    return all.findIndex(function (option) { return option.id === id; });
  }

  function setOpen(p, open) {
    p.list.hidden = !open;
    p.input.setAttribute("aria-expanded", String(open));
    if (!open) { setActive(p, -1); }
  }

  function describe(person) {
    var words = [person.full_name];
    if (person.iin) { words.push(person.iin); }
    if (person.birth_year) { words.push(String(person.birth_year)); }
    return words.join(" · ");
  }

  function announce(p, count) {
    var largest = Object.keys(announcements).reduce(function (a, b) { return Math.max(a, Number(b)); }, 0);
    p.status.textContent = announcements[String(Math.min(count, largest))] || "";
  }

  function offer(party, people) {
    var p = parts(party);
    p.list.replaceChildren();
    people.forEach(function (person, n) {
      var option = document.createElement("li");
      option.id = p.list.id + "-" + n;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = describe(person);
      p.list.appendChild(option);
    });
    found.set(p.list, people);
    setOpen(p, people.length > 0);
    announce(p, people.length);
  }

  function clearSearch(p) {
    p.list.replaceChildren();
    found.delete(p.list);
    setOpen(p, false);
    p.status.textContent = "";
  }

  function pick(party, index) {
    var p = parts(party);
    var person = (found.get(p.list) || [])[index];
    if (!person) { return; }
    p.personId.value = String(person.id);
    clearSearch(p);
    p.input.value = "";
    showPicked(party, person.full_name + (person.iin ? " " + person.iin : ""));
    p.change.focus();
  }

  function chooseAgain(party) {
    var p = parts(party);
    p.personId.value = "";
    showPicked(party, "");
    var next = p.input || party.querySelector("input[name$='full_name']");
    if (next) { next.focus(); }
  }

  function search(input) {
    var party = partyOf(input);
    var query = input.value.trim();
    var request = (latest.get(input) || 0) + 1;
    latest.set(input, request);
    if (query.length < MIN_QUERY) {
      clearSearch(parts(party));
      return;
    }
    var url = input.closest(".person-picker").dataset.searchUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; })
      .then(function (people) {
        // An older answer arriving late must not replace a newer one.
        if (latest.get(input) === request) { offer(party, people); }
      });
  }

  function onKey(event) {
    var p = parts(partyOf(event.target));
    var count = options(p.list).length;
    var index = activeIndex(p);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!count) { return; }
      setOpen(p, true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(p, index < 0 && step < 0 ? count - 1 : (index + step + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();  // the search box never submits the whole form
      if (!p.list.hidden && index >= 0) { pick(partyOf(event.target), index); }
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      setOpen(p, false);
    }
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList.contains("person-search")) { return; }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, DELAY_MS));
  });

  form.addEventListener("keydown", function (event) {
    if (event.target.classList.contains("person-search")) { onKey(event); }
  });

  form.addEventListener("focusout", function (event) {
    if (event.target.classList.contains("person-search")) { setOpen(parts(partyOf(event.target)), false); }
  });

  // Keep the focus in the search box while an option is clicked, so it stays a combobox.
  form.addEventListener("mousedown", function (event) {
    if (event.target.closest(".suggestions")) { event.preventDefault(); }
  });

  form.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) {
      var list = option.closest(".suggestions");
      pick(partyOf(option), Array.prototype.indexOf.call(options(list), option));
      return;
    }
    if (event.target.closest(".clear-person")) { chooseAgain(partyOf(event.target)); }
  });

  // -- victims: keep one empty row, clone it on demand, remove added ones ---------------------
  var victims = form.querySelector(".victims");
  var addButton = document.getElementById("add-victim");
  var RENAMED = ["name", "id", "for", "aria-describedby", "aria-controls", "aria-labelledby"];

  function rows() { return victims.querySelectorAll(".victim-row"); }

  function isBlank(row) {
    var filled = Array.prototype.some.call(row.querySelectorAll("input"), function (input) {
      if (input.type === "checkbox") { return input.checked; }
      return !input.classList.contains("person-search") && input.value.trim() !== "";
    });
    return !filled && !row.querySelector(".error");
  }

  function renumber() {
    rows().forEach(function (row, n) {
      row.querySelector(".victim-number").textContent = n + 1;
      row.querySelector(".remove-victim").hidden = n === 0;
    });
  }

  function nextIndex() {
    var max = -1;
    rows().forEach(function (row) { max = Math.max(max, Number(row.dataset.index)); });
    return max + 1;
  }

  function reset(row, index) {
    row.dataset.index = String(index);
    row.querySelectorAll("*").forEach(function (el) {
      RENAMED.forEach(function (attr) {
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
    // Users who may not search people (monitors) get no picker, hence no combobox.
    var p = parts(row);
    if (p.list) { clearSearch(p); }
    showPicked(row, "");
  }

  function addRow() {
    var all = rows();
    var copy = all[0].cloneNode(true);
    reset(copy, nextIndex());
    all[all.length - 1].after(copy);
    renumber();
    var p = parts(copy);
    (p.input || copy.querySelector("input[name$='full_name']")).focus();
  }

  function removeRow(row) {
    row.remove();
    renumber();
    addButton.focus();  // the focus must not be lost with the row
  }

  if (victims && addButton) {
    Array.prototype.slice.call(rows(), 1).forEach(function (row) {
      if (isBlank(row)) { row.remove(); }
    });
    addButton.hidden = false;
    addButton.addEventListener("click", addRow);
    victims.addEventListener("click", function (event) {
      var button = event.target.closest(".remove-victim");
      if (button) { removeRow(button.closest(".victim-row")); }
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

  // Now that the script runs: the search where nobody is picked yet, and "Choose someone else".
  form.querySelectorAll(".person-picker").forEach(function (picker) {
    picker.hidden = Boolean(parts(partyOf(picker)).personId.value);
  });
  form.querySelectorAll(".clear-person").forEach(function (button) { button.hidden = false; });
}());
