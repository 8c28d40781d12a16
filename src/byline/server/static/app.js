// byline: curator actions on the person page. The token stays in this tab (sessionStorage) and is
// sent as a bearer token; responses are shown with textContent only (never as HTML).
"use strict";
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

  document.querySelectorAll("form.curation").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const action = form.dataset.action;
      const person = form.dataset.person;
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
      const body = {
        who: (document.getElementById("who").value || "web").trim(),
        why: document.getElementById("why").value.trim() || null,
      };
      if (action === "merge") body.other = form.elements.other.value.trim();
      if (action === "split") {
        body.works = Array.from(document.querySelectorAll('input[name="works"][form="split-form"]:checked')).map((c) => c.value);
        if (!body.works.length) { show("Check the works to split out first.", false); return; }
      }
      if (action === "claim") {
        body.works = form.elements.claim_works.value.split(",").map((s) => s.trim()).filter(Boolean);
      }
      sessionStorage.setItem("byline-token", tokenInput.value);
      sessionStorage.setItem("byline-who", whoInput.value);
      show("Working…", true);
      let response;
      try {
        const url = action === "undo"
          ? "/api/events/" + encodeURIComponent(form.dataset.event) + "/undo"
          : "/api/people/" + encodeURIComponent(person) + "/" + action;
        response = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Authorization": "Bearer " + tokenInput.value.trim() },
          body: JSON.stringify(body),
        });
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
      const target = data.person || person;
      window.location.assign("/people/" + encodeURIComponent(target));
    });
  });
})();
