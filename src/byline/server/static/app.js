// byline: curator actions on the person and name pages. The token stays in this tab (sessionStorage) and is
// sent as a bearer token; responses are shown with textContent only (never as HTML).
"use strict";
// times stored in UTC, shown in the reader's local time
document.querySelectorAll("time[datetime]").forEach((t) => {
  const when = new Date(t.getAttribute("datetime"));
  if (!Number.isNaN(when.getTime())) {
    t.title = t.textContent;
    t.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
});
(function () {
  const tokenInput = document.getElementById("token");
  if (!tokenInput) return;
  const status = document.getElementById("curate-status");
  const saved = sessionStorage.getItem("byline-token");
  if (saved) tokenInput.value = saved;
  tokenInput.addEventListener("change", () => sessionStorage.setItem("byline-token", tokenInput.value));
  const whoInput = document.getElementById("who");
  const savedWho = sessionStorage.getItem("byline-who");
  if (savedWho) whoInput.value = savedWho;

  function show(message, ok) {
    status.textContent = message;
    status.className = ok ? "ok" : "fail";
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + tokenInput.value.trim() },
      body: JSON.stringify(body),
    });
  }

  // The name page: after a move, offer its undo (the event id travels in this tab only).
  const banner = document.getElementById("undo-banner");
  const pending = sessionStorage.getItem("byline-undo");
  if (banner && pending) {
    sessionStorage.removeItem("byline-undo");
    let last = null;
    try { last = JSON.parse(pending); } catch (err) { last = null; }
    if (last && last.page === window.location.pathname + window.location.search) {
      const text = document.createElement("span");
      text.id = "undo-message";
      text.textContent = last.message;
      banner.appendChild(text);
      if (last.event) {
        const undo = document.createElement("button");
        undo.type = "button";
        undo.id = "undo-move";
        undo.textContent = "Undo";
        undo.addEventListener("click", async () => {
          if (!window.confirm("Undo event #" + last.event + " (" + last.message + ")?")) return;
          let response;
          try {
            response = await post("/api/events/" + encodeURIComponent(last.event) + "/undo", {
              who: (whoInput.value || "web").trim(),
              why: document.getElementById("why").value.trim() || null,
            });
          } catch (err) { show("Network error: " + err, false); return; }
          let data = {};
          try { data = await response.json(); } catch (err) { data = {}; }
          if (!response.ok) {
            show((response.status === 401 ? "Not authorised: " : "Refused: ") + (data.error || response.status), false);
            return;
          }
          sessionStorage.setItem("byline-undo", JSON.stringify({
            page: last.page, message: "Undone: event #" + last.event + " reverted by event #" + ((data.event || {}).id || "?") + ".",
          }));
          window.location.reload();
        });
        banner.appendChild(undo);
      }
      banner.hidden = false;
    }
  }

  document.querySelectorAll("form.curation").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const action = form.dataset.action;
      const person = form.dataset.person;
      let confirmText = form.dataset.confirm;
      if (action === "move") {
        const choice = form.elements.target.selectedOptions[0];
        if (!choice) return;
        confirmText = "Move \u201c" + form.dataset.title + "\u201d from " + form.dataset.from + " to " + choice.textContent.trim() + " (" + choice.value + ")?";
      }
      if (!tokenInput.value.trim()) {
        show("Enter the curator token first (printed by byline serve).", false);
        tokenInput.focus();
        return;
      }
      if (confirmText && !window.confirm(confirmText)) return;
      const body = {
        who: (document.getElementById("who").value || "web").trim(),
        why: document.getElementById("why").value.trim() || null,
      };
      if (action === "merge") {
        const typed = form.elements.other ? form.elements.other.value.trim() : "";
        body.other = typed || (form.elements.choice ? form.elements.choice.value : "");
        if (!body.other) { show("Pick the person to merge in first.", false); return; }
      }
      if (action === "split") {
        body.works = Array.from(document.querySelectorAll('input[name="works"][form="split-form"]:checked')).map((c) => c.value);
        if (!body.works.length) { show("Check the works to split out first.", false); return; }
      }
      if (action === "move") {
        body.source = person;
        body.target = form.elements.target.value;
      }
      if (action === "claim") {
        body.works = form.elements.claim_works.value.split(",").map((s) => s.trim()).filter(Boolean);
      }
      sessionStorage.setItem("byline-token", tokenInput.value);
      sessionStorage.setItem("byline-who", whoInput.value);
      show("Working…", true);
      let response;
      try {
        let url = "/api/people/" + encodeURIComponent(person) + "/" + action;
        if (action === "undo") url = "/api/events/" + encodeURIComponent(form.dataset.event) + "/undo";
        if (action === "move") url = "/api/works/" + encodeURIComponent(form.dataset.work) + "/move";
        response = await post(url, body);
      } catch (err) {
        show("Network error: " + err, false);
        return;
      }
      let data = {};
      try { data = await response.json(); } catch (err) { data = {}; }
      if (!response.ok) {
        show((response.status === 401 ? "Not authorised: " : "Refused: ") + (data.error || response.status), false);
        return;
      }
      show(action + " recorded.", true);
      if (action === "move") {
        sessionStorage.setItem("byline-undo", JSON.stringify({
          page: window.location.pathname + window.location.search,
          event: (data.event || {}).id,
          message: "Moved \u201c" + form.dataset.title + "\u201d to " + form.elements.target.selectedOptions[0].textContent.trim()
            + " (event #" + ((data.event || {}).id || "?") + ").",
        }));
        window.location.reload();
        return;
      }
      const target = data.person || person;
      window.location.assign("/people/" + encodeURIComponent(target));
    });
  });

  // the person page's works: sort by year or citations, show only a year or a coauthor
  const worksTable = document.getElementById("works");
  const sortSelect = document.getElementById("works-sort");
  const filterInput = document.getElementById("works-filter");
  if (worksTable && sortSelect && filterInput) {
    const body = worksTable.tBodies[0];
    const rows = Array.from(body.rows);
    const shown = document.getElementById("works-shown");
    const num = (row, key) => { const v = row.dataset[key]; return v === "" || v === undefined ? -1 : Number(v); };
    const apply = () => {
      const [key, dir] = sortSelect.value.split("-");
      const field = key === "cites" ? "cites" : "year";
      const sign = dir === "asc" ? 1 : -1;
      const sorted = rows.slice().sort((a, b) => sign * (num(a, field) - num(b, field)) || num(b, "year") - num(a, "year"));
      const q = filterInput.value.trim().toLowerCase();
      let n = 0;
      sorted.forEach((row) => {
        const hit = !q || (row.dataset.year || "") === q || (row.dataset.authors || "").toLowerCase().includes(q);
        row.hidden = !hit;
        if (hit) n += 1;
        body.appendChild(row);
      });
      shown.textContent = q ? n + " of " + rows.length + " works" : "";
    };
    sortSelect.addEventListener("change", apply);
    filterInput.addEventListener("input", apply);
  }
})();
