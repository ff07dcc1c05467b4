// Starts GOV.UK Frontend's components once the page has loaded. Kept in a file (not inline) so the
// Content-Security-Policy can forbid inline scripts. Every page works without it.
import { initAll } from "/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
