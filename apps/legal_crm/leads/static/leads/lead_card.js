/* The lead card: questionnaire answers are saved as the operator types, and the score and segment update
   without reloading. Choosing another service reloads the card with that service's questions. */
(function () {
  "use strict";
  var card = document.getElementById("lead-card");
  var form = document.getElementById("lc-questionnaire");
  if (!card || !form) { return; }
  var url = card.getAttribute("data-answers-url");
  var tokenInput = card.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";
  var state = document.getElementById("lc-q-state");
  var timers = {};
  /* Each answer keeps its own state: a refused answer keeps its error until that same answer is saved, and
     the indicator says ✓ only when no answer is waiting, failing or unsaved. */
  var errors = {};    // field name -> message of its last refused save
  var pending = {};   // field name -> number of the save under way
  var sequence = 0;
  var offline = false;
  // A refusal the page came with (the questionnaire submitted whole and refused): that answer is not saved yet.
  form.querySelectorAll("[data-error-for]").forEach(function (el) {
    if (el.textContent.trim()) { errors[el.getAttribute("data-error-for")] = el.textContent.trim(); }
  });

  function showErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (el) {
      var name = el.getAttribute("data-error-for");
      el.textContent = errors[name] || "";
      var field = form.querySelector("[name='" + name + "']");
      if (field) {
        if (errors[name]) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
      }
    });
  }

  function showState() {
    var waiting = Object.keys(pending).length + Object.keys(timers).length;
    var failed = Object.keys(errors);
    if (waiting) {
      state.textContent = "…";
      state.setAttribute("data-state", "saving");
    } else if (failed.length) {
      state.textContent = card.getAttribute("data-unsaved-text").replace("%(count)s", failed.length);
      state.setAttribute("data-state", "error");
    } else if (offline) {
      state.textContent = card.getAttribute("data-offline-text");
      state.setAttribute("data-state", "error");
    } else {
      state.textContent = "✓";
      state.setAttribute("data-state", "saved");
    }
  }

  function save(field) {
    var name = field.name;
    var answers = {};
    answers[name.slice(1)] = field.value;
    var mine = ++sequence;
    pending[name] = mine;
    showState();
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({answers: answers})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, data: data};
      });
    }).then(function (result) {
      if (pending[name] !== mine) { return; }  // a later save of this answer is under way: it decides
      delete pending[name];
      offline = false;
      if (!result.ok) {
        var fields = result.data.fields || {};
        errors[name] = fields[name] || result.data.detail || card.getAttribute("data-error-text");
        showErrors();
        showState();
        return;
      }
      delete errors[name];
      showErrors();
      showState();
      document.getElementById("lead-score").textContent = result.data.score === null ? "0" : result.data.score;
      card.querySelectorAll("[data-segment]").forEach(function (el) {
        el.textContent = result.data.segment || "—";
      });
    }).catch(function () {
      if (pending[name] !== mine) { return; }
      delete pending[name];
      offline = true;
      errors[name] = card.getAttribute("data-offline-text");
      showErrors();
      showState();
    });
  }

  form.querySelectorAll("[name^=q]").forEach(function (field) {
    var handler = function () {
      clearTimeout(timers[field.name]);
      timers[field.name] = setTimeout(function () {
        delete timers[field.name];
        save(field);
      }, field.tagName === "SELECT" ? 0 : 400);
      showState();  // typed but not yet sent: not saved
    };
    field.addEventListener("change", handler);
    if (field.tagName === "INPUT") { field.addEventListener("input", handler); }
  });

  if (Object.keys(errors).length) { showErrors(); showState(); }

  var service = document.getElementById("lc-service");
  if (service) {
    service.addEventListener("change", function () { form.submit(); });
  }
})();
