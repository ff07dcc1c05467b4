// Today's account updates: adds new rows as accounts are updated, without reloading. The page works
// without this script (it then says to refresh). Rows are built with textContent: nothing from the
// server is parsed as HTML.
const status = document.getElementById("live-status");
const body = document.getElementById("updates-body");
const announcer = document.getElementById("live-announcer");
const empty = document.getElementById("no-updates");
let since = status.dataset.since;
const known = new Set([...body.querySelectorAll("tr[data-reference]")].map((row) => row.dataset.reference));

function cell(text) {
  const td = document.createElement("td");
  td.className = "govuk-table__cell";
  td.textContent = text;
  return td;
}

function row(update) {
  const tr = document.createElement("tr");
  tr.className = "govuk-table__row ctax-new-row";
  tr.dataset.reference = update.reference;
  tr.append(cell(update.time), cell(update.reference), cell(update.kind));
  tr.children[1].classList.add("ctax-reference");
  const accounts = cell("");
  update.accounts.forEach((account, index) => {
    if (index > 0) accounts.append(", ");
    const link = document.createElement("a");
    link.className = "govuk-link ctax-reference";
    link.href = account.href;
    link.textContent = account.ref;
    accounts.append(link);
  });
  tr.append(accounts);
  return tr;
}

async function poll() {
  try {
    const response = await fetch(`${status.dataset.feed}?since=${encodeURIComponent(since)}`,
      { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) {
      status.textContent = "Your session has ended. Sign in again to see new updates.";
      return;
    }
    if (response.ok) {
      const data = await response.json();
      const fresh = data.updates.filter((u) => !known.has(u.reference)).reverse();
      for (const update of fresh) {
        known.add(update.reference);
        body.prepend(row(update));
      }
      if (data.updates.length) since = data.updates[0].completed_at;
      for (const [id, key] of [["count-applied", "applied"], ["count-review", "waiting_for_review"],
                               ["count-rejected", "rejected"]]) {
        document.getElementById(id).textContent = String(data.counts[key] || 0);
      }
      if (fresh.length) {
        empty.hidden = true;
        announcer.textContent = `${fresh.length} new account update${fresh.length === 1 ? "" : "s"}`;
      }
      status.textContent = `Live: new updates appear here as they happen (checked ${new Date().toLocaleTimeString()}).`;
    }
  } catch {
    status.textContent = "Could not check for new updates; trying again.";
  }
  setTimeout(poll, 2000);
}

poll();
