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

  function setErrors(fields) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) {
      el.textContent = (fields && fields[el.getAttribute("data-error-for")]) || "";
    });
  }

  function save(field) {
    var answers = {};
    answers[field.name.slice(1)] = field.value;
    state.textContent = "…";
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
      if (!result.ok) {
        setErrors(result.data.fields);
        state.textContent = result.data.detail || card.getAttribute("data-error-text");
        return;
      }
      setErrors({});
      state.textContent = "✓";
      document.getElementById("lead-score").textContent = result.data.score === null ? "0" : result.data.score;
      card.querySelectorAll("[data-segment]").forEach(function (el) {
        el.textContent = result.data.segment || "—";
      });
    }).catch(function () {
      state.textContent = card.getAttribute("data-offline-text");
    });
  }

  form.querySelectorAll("[name^=q]").forEach(function (field) {
    var handler = function () {
      clearTimeout(timers[field.name]);
      timers[field.name] = setTimeout(function () { save(field); }, field.tagName === "SELECT" ? 0 : 400);
    };
    field.addEventListener("change", handler);
    if (field.tagName === "INPUT") { field.addEventListener("input", handler); }
  });

  var service = document.getElementById("lc-service");
  if (service) {
    service.addEventListener("change", function () { form.submit(); });
  }
})();
