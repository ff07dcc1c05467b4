// Follows a landlord upload's rows while they are being sent: fetches the server-rendered counts and table
// every two seconds until no row is waiting. The page is complete without this script (it then says to
// refresh). The fragment comes from our own origin, rendered and escaped by the server's templates.
const note = document.getElementById("progress-note");
const progress = document.getElementById("upload-progress");
const every = 2000;

function waiting() {
  const counts = document.getElementById("upload-counts");
  return Number(counts ? counts.dataset.pending : "0");
}

async function follow() {
  try {
    const response = await fetch(note.dataset.progress, { credentials: "same-origin" });
    if (response.status === 401) {
      note.textContent = "Your session has ended. Sign in again to see the rows' references.";
      return;
    }
    if (response.ok) {
      progress.innerHTML = await response.text();
    }
  } catch {
    note.textContent = "Could not check the rows just now; trying again.";
  }
  if (waiting() > 0) {
    setTimeout(follow, every);
  } else {
    note.textContent = "Every row has been sent or checked.";
  }
}

if (waiting() > 0) {
  note.textContent = "Sending the rows: this page updates as they go.";
  setTimeout(follow, every);
}
