/** Style of the audit page (served as /audit/app.css). */
export const AUDIT_PAGE_CSS = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6675; --line: #d8dde6; --bg: #f4f6f9; --card: #fff;
  --accent: #2457c5; --ok: #17803d; --bad: #b3261e; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: center; gap: 12px; padding: 12px 24px; background: var(--ink); color: #fff; }
header h1 { font-size: 18px; margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
.card h2 { font-size: 16px; margin: 0 0 8px; display: flex; align-items: center; gap: 8px; }
form { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
label { color: var(--muted); }
input { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; }
#token { width: 22em; } #master { width: 12em; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button[type=button] { background: #fff; color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
.hint { color: var(--muted); margin: 8px 0 0; font-size: 13px; }
.pill { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: #e7ebf3; color: var(--ink); font-weight: normal; }
.pill.ok { background: #dff3e5; color: var(--ok); } .pill.bad { background: #fbe3e1; color: var(--bad); }
#status { min-height: 1.4em; margin: 4px 2px; color: var(--muted); }
#status.error { color: var(--bad); font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: #eef1f6; font-weight: 600; }
td.mono, td .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
td.details { max-width: 420px; overflow-wrap: anywhere; color: var(--muted); }
tr.moved td.transition { font-weight: 600; color: var(--accent); }
#more { margin-top: 10px; }
#verify-result { margin-top: 10px; }
#verify-result .ok { color: var(--ok); font-weight: 600; }
#verify-result .bad { color: var(--bad); font-weight: 600; }
#verify-result li { margin: 4px 0; }
#diagram svg { width: 100%; max-width: 760px; height: auto; display: block; margin: 0 auto; }
svg .node rect { fill: #fff; stroke: var(--ink); stroke-width: 1.5; }
svg .node.unvisited rect { stroke: #9aa3b2; stroke-dasharray: 5 4; }
svg .node.unvisited text { fill: #9aa3b2; }
svg .node.current rect { fill: #e6eeff; stroke: var(--accent); stroke-width: 3; }
svg .node text { font-size: 13px; fill: var(--ink); text-anchor: middle; dominant-baseline: central; }
svg .edge path { fill: none; stroke: #56627a; stroke-width: 1.6; }
svg .edge text { font-size: 12px; font-weight: 700; fill: var(--accent); text-anchor: middle; dominant-baseline: central;
  paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
svg .arrowhead { fill: #56627a; }
`;
