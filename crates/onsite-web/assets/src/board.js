// The schedule board (dispatch/pages.rs): follows the board's server-sent events and fetches
// the board's body again when something changed (on any server), and moves visits by drag and
// drop through the move API (POST /api/v1/staff/visits/{id}/move). Loaded as a file (the
// content security policy allows no inline script); the board works without it, by links.
(function () {
  "use strict";

  var board = document.querySelector(".schedule-board");
  if (!board) {
    return;
  }
  var body = document.getElementById("board-body");
  var status = document.getElementById("board-status");

  function say(text) {
    if (status) {
      status.textContent = text || "";
    }
  }

  // ---- Live updates ------------------------------------------------------------------------

  // The element of the board's body that has the keyboard focus, as a selector that finds
  // its twin in a new body: a live update must not drop a keyboard user's place (nor make
  // their next Enter land nowhere).
  function focusKey() {
    var active = document.activeElement;
    if (!active || active === body || !body.contains(active)) {
      return null;
    }
    if (active.id) {
      return "#" + window.CSS.escape(active.id);
    }
    var href = active.getAttribute("href");
    if (href) {
      return active.tagName.toLowerCase() + '[href="' + window.CSS.escape(href) + '"]';
    }
    return null;
  }

  function refocus(key) {
    var twin = key && body.querySelector(key);
    if (twin) {
      twin.focus({ preventScroll: true });
    }
  }

  var refreshing = false;
  var again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    var asked = board.dataset.fragment;
    window
      .fetch(asked, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        // A visit opened (with htmx) while this was on its way: this body would close it
        // again, so it is dropped and the board asked for once more, with the visit.
        if (asked !== board.dataset.fragment) {
          again = true;
        } else if (html !== null && !dragging) {
          var focused = focusKey();
          body.innerHTML = html;
          if (window.htmx) {
            window.htmx.process(body);
          }
          refocus(focused);
          board.dataset.refreshed = String(Date.now());
        }
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  if (window.EventSource && board.dataset.events) {
    var source = new EventSource(board.dataset.events);
    source.addEventListener("ready", function () {
      board.dataset.live = "on";
    });
    source.addEventListener("changed", refresh);
  }

  // A visit opened with htmx: later refreshes keep it open.
  document.addEventListener("htmx:afterRequest", function (event) {
    var path = event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (path && path.indexOf("/staff/visits/board?") === 0) {
      board.dataset.fragment = path;
    }
  });

  // ---- Drag and drop -----------------------------------------------------------------------

  var dragging = null;

  body.addEventListener("dragstart", function (event) {
    var block = event.target.closest && event.target.closest("[data-visit][draggable='true']");
    if (!block) {
      return;
    }
    dragging = block;
    block.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", block.dataset.visit);
  });

  body.addEventListener("dragend", function () {
    if (dragging) {
      dragging.classList.remove("dragging");
    }
    dragging = null;
    body.querySelectorAll(".drop-over").forEach(function (el) {
      el.classList.remove("drop-over");
    });
  });

  body.addEventListener("dragover", function (event) {
    var target = event.target.closest && event.target.closest(".drop-target");
    if (dragging && target) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      target.classList.add("drop-over");
    }
  });

  body.addEventListener("dragleave", function (event) {
    var target = event.target.closest && event.target.closest(".drop-target");
    if (target) {
      target.classList.remove("drop-over");
    }
  });

  // Where on the lane the block was dropped: the grid's first instant plus the fraction of its
  // length, to the quarter hour.
  function dropTime(target, clientX) {
    var grid = body.querySelector(".board-body");
    var from = Date.parse(grid.dataset.gridFrom);
    var minutes = Number(grid.dataset.gridMinutes);
    var box = target.getBoundingClientRect();
    var fraction = Math.min(Math.max((clientX - box.left) / box.width, 0), 1);
    var quarter = 15 * 60 * 1000;
    var at = from + Math.round((fraction * minutes * 60 * 1000) / quarter) * quarter;
    return new Date(at).toISOString().replace(".000Z", "Z");
  }

  function showRefusal(id, move, answer) {
    var reasons = (answer && answer.reasons) || [];
    var box = document.createElement("div");
    box.className = "move-reasons";
    var lead = document.createElement("p");
    lead.textContent = board.dataset.moveRefused + " " + ((answer && answer.message) || "");
    box.appendChild(lead);
    var list = document.createElement("ul");
    reasons.forEach(function (r) {
      var item = document.createElement("li");
      item.textContent = r.message;
      list.appendChild(item);
    });
    box.appendChild(list);
    var overridable = reasons.length > 0 && reasons.every(function (r) {
      return r.overridable;
    });
    if (overridable) {
      var form = document.createElement("form");
      var label = document.createElement("label");
      label.textContent = board.dataset.moveOverrideReason;
      var input = document.createElement("input");
      input.type = "text";
      input.required = true;
      input.maxLength = 1000;
      label.appendChild(input);
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = board.dataset.moveOverride;
      form.appendChild(label);
      form.appendChild(button);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var reason = input.value.trim();
        if (reason) {
          send(id, Object.assign({}, move, { reason: reason }));
        }
      });
      box.appendChild(form);
    }
    status.textContent = "";
    status.appendChild(box);
    var field = box.querySelector("input");
    if (field) {
      field.focus();
    }
  }

  function send(id, move) {
    window.onsite
      .fetch("/api/v1/staff/visits/" + encodeURIComponent(id) + "/move", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(move),
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (answer) {
            if (response.ok && answer && answer.moved) {
              say(board.dataset.moveDone);
              refresh();
            } else if (response.status === 409 && answer) {
              showRefusal(id, move, answer);
            } else {
              var message = answer && answer.error && answer.error.message;
              say(message || board.dataset.moveFailed);
            }
          });
      })
      .catch(function () {
        say(board.dataset.moveFailed);
      });
  }

  body.addEventListener("drop", function (event) {
    var target = event.target.closest && event.target.closest(".drop-target");
    if (!dragging || !target) {
      return;
    }
    event.preventDefault();
    var id = dragging.dataset.visit;
    var move = {
      technician_id: Number(target.dataset.technician),
      starts_at: dropTime(target, event.clientX),
      dry_run: false,
    };
    dragging.classList.remove("dragging");
    dragging = null;
    target.classList.remove("drop-over");
    send(id, move);
  });
})();
