// Reminders to one authority: instead of one long request, post the chosen recommendations
// one at a time to the JSON endpoint, showing the progress and each letter as it is signed,
// then offer the signed ones as one PDF. Without this file the form posts the whole batch at
// once and the page shows the result. Text from the server only ever becomes text, never markup.
(function () {
  "use strict";

  var form = document.querySelector("form.letter-batch");
  if (!form || !window.fetch || !window.FormData) { return; }
  var texts = JSON.parse(form.dataset.texts || "{}");
  var button = form.querySelector(".batch-start");
  var panel = form.querySelector(".batch-progress");
  var bar = panel.querySelector("progress");
  var status = panel.querySelector(".batch-status");
  var results = panel.querySelector(".batch-results");
  var download = panel.querySelector(".batch-download");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function boxes() {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='recommendation_id']"));
  }

  function chosen() {
    return boxes().filter(function (box) { return box.checked; });
  }

  // The button says how many reminders it makes, in the page's language.
  function relabel() {
    var count = chosen().length;
    if (texts.buttons && texts.buttons[count]) { button.textContent = texts.buttons[count]; }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "recommendation_id") { relabel(); }
  });

  function addResult(label, url, linkText, note, isError) {
    var item = document.createElement("li");
    item.appendChild(document.createTextNode(label + " → "));
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = linkText;
      item.appendChild(link);
    }
    if (note) {
      var small = document.createElement(isError ? "strong" : "small");
      if (isError) { small.className = "error"; }
      small.textContent = (url ? " " : "") + note;
      item.appendChild(small);
    }
    results.appendChild(item);
  }

  // One reminder: resolves to the endpoint's answer, or to an error it makes up when the
  // answer is not JSON (an expired session, a server error page).
  function remind(box) {
    var body = new FormData();
    body.append("csrf_token", form.elements.csrf_token.value);
    body.append("language", form.elements.language.value);
    body.append("recommendation_id", box.value);
    return fetch(form.dataset.remindUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        return { error: fill(texts.unreachable, { status: response.status }), stop: true };
      }
      return response.json();
    }, function () {
      return { error: fill(texts.unreachable, { status: "—" }), stop: true };
    });
  }

  function run(queue) {
    var total = queue.length;
    var signedIds = [];
    var counts = { signed: 0, drafts: 0, failed: 0 };

    function showProgress() {
      bar.value = counts.signed + counts.drafts + counts.failed;
      status.textContent = fill(texts.progress, { done: counts.signed, total: total });
    }

    function finish(stopped) {
      var said = [fill(texts.progress, { done: counts.signed, total: total })];
      said.push(stopped ? texts.stopped : texts.finished);
      if (counts.drafts || counts.failed) { said.push(fill(texts.leftovers, counts)); }
      status.textContent = said.join(" ");
      if (signedIds.length) {
        var link = download.querySelector("a");
        link.href = form.dataset.pdfUrl + "?ids=" + signedIds.join(",");
        link.textContent = fill(texts.download, { num: signedIds.length });
        download.hidden = false;
      }
    }

    function next(index) {
      if (index >= total) { finish(false); return; }
      var box = queue[index];
      var label = box.value;
      remind(box).then(function (answer) {
        if (answer.letter_id && answer.number) {
          counts.signed += 1;
          signedIds.push(answer.letter_id);
          addResult(answer.recommendation || label, answer.url, answer.number, "", false);
        } else if (answer.letter_id) {
          counts.drafts += 1;
          addResult(answer.recommendation || label, answer.url, texts.draft, answer.message,
                    false);
        } else {
          counts.failed += 1;
          addResult(answer.recommendation || label, null, "",
                    texts.failed + ": " + (answer.error || ""), true);
        }
        box.checked = false;  // done: a second click does not send it again
        showProgress();
        if (answer.stop) { finish(true); return; }
        next(index + 1);
      });
    }

    bar.max = total;
    panel.hidden = false;
    showProgress();
    next(0);
  }

  form.addEventListener("submit", function (event) {
    var queue = chosen();
    if (!queue.length) { return; }  // the server says "choose at least one"
    event.preventDefault();
    // The progress below takes the button's place: the batch runs once per page.
    button.disabled = true;
    button.hidden = true;
    boxes().forEach(function (box) { box.disabled = true; });
    form.elements.language.disabled = true;
    results.textContent = "";
    download.hidden = true;
    run(queue);
  });
}());
