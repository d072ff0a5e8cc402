/**
 * The auditors' page (A3), served by the app at GET /audit. Self-contained: its script and style are
 * served next to it from string modules (so `tsc` alone builds them into dist/, and the strict CSP
 * below needs no inline code). The page is public; everything it shows comes from the API, with the token.
 */

export const AUDIT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const AUDIT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>FeedbackBots — audit</title>
<link rel="icon" href="/audit/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/audit/app.css">
<script src="/audit/app.js" defer></script>
</head>
<body>
<header>
  <h1>FeedbackBots audit</h1>
  <span id="auth-state" class="pill">no token</span>
</header>
<main>
  <section class="card" id="token-section">
    <form id="token-form" autocomplete="off">
      <label for="token">Audit token</label>
      <input id="token" name="token" type="password" spellcheck="false" placeholder="the server's AUDIT_TOKEN">
      <button type="submit">Use token</button>
      <button type="button" id="forget">Forget</button>
    </form>
    <p class="hint">Kept in this tab only (sessionStorage) and sent as a bearer token to the audit API. Tokens and message content are never shown here: events keep them encrypted and the API redacts them.</p>
  </section>

  <section class="card" id="search-section">
    <form id="search-form" autocomplete="off">
      <label for="master">Master (Telegram user id)</label>
      <input id="master" name="master" inputmode="numeric" placeholder="e.g. 7000000001">
      <label for="from">From</label>
      <input id="from" name="from" type="datetime-local" step="1">
      <label for="to">To</label>
      <input id="to" name="to" type="datetime-local" step="1">
      <button type="submit" id="search">Show timeline</button>
    </form>
  </section>

  <p id="status" role="status" aria-live="polite"></p>

  <section class="card" id="verify-section">
    <h2>Tamper evidence</h2>
    <p class="hint">Each stream's events are hash-chained. Verifying recomputes every hash and link.</p>
    <button type="button" id="verify-master" disabled>Verify the streams shown</button>
    <button type="button" id="verify-all">Verify every stream</button>
    <div id="verify-result" aria-live="polite"></div>
  </section>

  <section class="card" id="diagram-section" hidden>
    <h2>State machine <span id="current" class="pill"></span></h2>
    <p class="hint">Every state of the master's conversation with the MasterBot; arrows are the transitions taken, labelled with how often. Dashed: never visited.</p>
    <div id="diagram"></div>
  </section>

  <section class="card" id="timeline-section" hidden>
    <h2>Timeline <span id="count" class="pill"></span></h2>
    <div class="scroll">
      <table id="timeline">
        <thead>
          <tr><th>Recorded (UTC)</th><th>Stream</th><th>Event</th><th>Trigger</th><th>From → To</th><th>Correlation</th><th>Details</th></tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <button type="button" id="more" hidden>Load more</button>
  </section>
</main>
</body>
</html>
`;

/** A small icon, so the browser does not go looking for /favicon.ico. */
export const AUDIT_FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2330"/>' +
  '<path d="M4 8.5l2.5 2.5L12 5" stroke="#fff" stroke-width="2" fill="none"/></svg>';
