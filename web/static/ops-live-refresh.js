// Refreshes the ops dashboard's figures every few seconds by fetching the server-rendered panels. The
// page is complete without this script. The fragment comes from our own origin, rendered and escaped by
// the server's templates.
const note = document.getElementById("refresh-note");
const panels = document.getElementById("ops-panels");
const every = Number(note.dataset.every || "5") * 1000;

async function refresh() {
  try {
    const response = await fetch(note.dataset.panels, { credentials: "same-origin" });
    if (response.status === 401) {
      note.textContent = "Your session has ended. Sign in again to see new figures.";
      return;
    }
    if (response.ok) {
      panels.innerHTML = await response.text();
      note.textContent = `Live: figures refresh every ${every / 1000} seconds.`;
    }
  } catch {
    note.textContent = "Could not refresh the figures; trying again.";
  }
  setTimeout(refresh, every);
}

setTimeout(refresh, every);
note.textContent = `Live: figures refresh every ${every / 1000} seconds.`;
