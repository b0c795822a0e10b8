/* The call-script board: drag a card to another column; the move is saved on the server (and logged there).
   Plain HTML5 drag and drop, no libraries. */
(function () {
  "use strict";
  var board = document.getElementById("script-board");
  if (!board) { return; }
  var moveUrl = board.getAttribute("data-move-url");
  var tokenInput = board.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";
  var errorBox = document.getElementById("sb-error");
  var dragged = null;

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.add("sb-shown");
  }

  function hideError() {
    errorBox.textContent = "";
    errorBox.classList.remove("sb-shown");
  }

  function updateCounters(data) {
    board.querySelectorAll("[data-count]").forEach(function (el) {
      var step = el.getAttribute("data-count");
      el.textContent = (data.counts && data.counts[step]) || 0;
    });
    Object.keys(data.totals || {}).forEach(function (key) {
      var el = board.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = data.totals[key]; }
    });
  }

  board.querySelectorAll('.sb-card[draggable="true"]').forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("sb-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("sb-dragging");
      board.querySelectorAll(".sb-over").forEach(function (col) { col.classList.remove("sb-over"); });
    });
  });

  board.querySelectorAll(".sb-col").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("sb-over");
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) { column.classList.remove("sb-over"); }
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("sb-over");
      var card = dragged;
      dragged = null;
      if (!card) { return; }
      var from = card.closest(".sb-col");
      if (from === column) { return; }
      var list = column.querySelector(".sb-cards");
      var origin = card.parentNode;
      var originNext = card.nextSibling;
      list.appendChild(card);
      card.setAttribute("aria-busy", "true");
      hideError();
      fetch(moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
        body: JSON.stringify({card: card.getAttribute("data-card"), step: column.getAttribute("data-step")})
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {ok: response.ok, data: data};
        });
      }).then(function (result) {
        card.removeAttribute("aria-busy");
        if (!result.ok) {
          origin.insertBefore(card, originNext);
          showError(result.data.detail || board.getAttribute("data-error-text"));
          return;
        }
        card.setAttribute("data-moved", "1");
        updateCounters(result.data);
      }).catch(function () {
        card.removeAttribute("aria-busy");
        origin.insertBefore(card, originNext);
        showError(board.getAttribute("data-offline-text"));
      });
    });
  });
})();
