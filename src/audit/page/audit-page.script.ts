import { AUDIT_PAGE_DIAGRAM } from './audit-page.diagram.script';

/**
 * The audit page's browser code (served as /audit/app.js). Plain ES2020, no dependencies (the machine
 * running the app may have no internet). Everything from the API is put on the page as text
 * (textContent / SVG text nodes), never parsed as HTML. Written without template literals: this file
 * is itself a template string.
 */
export const AUDIT_PAGE_SCRIPT =
  String.raw`
'use strict';
(function () {
  var TOKEN_KEY = 'feedbackbots.auditToken';
  // Rows per request; ?pageSize=N (1–1000) on the page's URL changes it.
  var PAGE_SIZE = (function () {
    var asked = Number(new URLSearchParams(window.location.search).get('pageSize'));
    return Number.isInteger(asked) && asked >= 1 && asked <= 1000 ? asked : 100;
  })();
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var state = { masterId: null, query: null, next: null, entries: [], streams: new Set(), busy: false };

  function $(id) { return document.getElementById(id); }

  function setStatus(text, isError) {
    var status = $('status');
    status.textContent = text || '';
    status.className = isError ? 'error' : '';
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function showAuth() {
    var pill = $('auth-state');
    if (token()) { pill.textContent = 'token set'; pill.className = 'pill ok'; }
    else { pill.textContent = 'no token'; pill.className = 'pill'; }
  }

  function UiError(message) { this.message = message; }

  async function api(path, params) {
    var t = token();
    if (!t) throw new UiError('Enter the audit token first.');
    var url = new URL(path, window.location.origin);
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== '') url.searchParams.set(k, params[k]);
    });
    var response;
    try {
      response = await fetch(url.toString(), {
        headers: { authorization: 'Bearer ' + t, accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new UiError('The server could not be reached.');
    }
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showAuth();
      throw new UiError('The audit token was refused. Enter it again.');
    }
    if (!response.ok) {
      var message = body && body.message ? (Array.isArray(body.message) ? body.message.join('; ') : String(body.message)) : 'HTTP ' + response.status;
      throw new UiError(message);
    }
    return body;
  }

  function describeError(e) {
    return e instanceof UiError ? e.message : 'Something went wrong: ' + (e && e.message ? e.message : String(e));
  }

  function td(text, className) {
    var cell = document.createElement('td');
    cell.textContent = text === null || text === undefined ? '' : String(text);
    if (className) cell.className = className;
    return cell;
  }

  /** The scalar fields of the (already redacted) data, compact. */
  function details(data) {
    return Object.keys(data || {})
      .filter(function (k) { return k !== 'masterId' && data[k] !== null && data[k] !== undefined; })
      .map(function (k) { var v = data[k]; return k + '=' + (typeof v === 'object' ? JSON.stringify(v) : String(v)); })
      .join(' ');
  }

  function addRows(entries) {
    var body = document.querySelector('#timeline tbody');
    entries.forEach(function (e) {
      var row = document.createElement('tr');
      row.dataset.eventId = e.eventId;
      row.dataset.type = e.type;
      var moved = e.transition && e.transition.from !== e.transition.to;
      if (moved) row.className = 'moved';
      row.appendChild(td(e.recordedAt.replace('T', ' ').replace('Z', ''), 'mono'));
      row.appendChild(td(e.streamId + ' #' + e.revision, 'mono'));
      row.appendChild(td(e.schemaVersion > 1 ? e.type + ' v' + e.schemaVersion : e.type));
      row.appendChild(td(e.trigger || '—'));
      row.appendChild(td(e.transition ? e.transition.from + ' → ' + e.transition.to : '', 'transition'));
      row.appendChild(td(e.correlationId, 'mono'));
      var text = details(e.data);
      var cell = td(text.length > 160 ? text.slice(0, 159) + '…' : text, 'details');
      cell.title = text;
      row.appendChild(cell);
      body.appendChild(row);
      state.streams.add(e.streamId);
    });
    $('count').textContent = state.entries.length + ' event' + (state.entries.length === 1 ? '' : 's') + (state.next ? ' so far' : '');
  }

  async function loadPage() {
    var params = { limit: PAGE_SIZE, after: state.next, from: state.query.from, to: state.query.to };
    var page = await api('/audit/api/masters/' + state.masterId + '/timeline', params);
    state.next = page.next;
    state.entries = state.entries.concat(page.entries);
    addRows(page.entries);
    $('more').hidden = !state.next;
    return page;
  }

  function isoFromLocal(id) {
    var value = $(id).value;
    if (!value) return undefined;
    var date = new Date(value);
    if (isNaN(date.getTime())) throw new UiError('"' + id + '" is not a valid time.');
    return date.toISOString();
  }

  async function search(event) {
    if (event) event.preventDefault();
    if (state.busy) return;
    var raw = $('master').value.trim();
    try {
      if (!/^[0-9]{1,16}$/.test(raw) || Number(raw) <= 0) throw new UiError('A master is a positive number: their Telegram user id.');
      var query = { from: isoFromLocal('from'), to: isoFromLocal('to') };
      state.busy = true;
      setStatus('Loading…');
      state.masterId = raw;
      state.query = query;
      state.next = null;
      state.entries = [];
      state.streams = new Set(['master-' + raw]);
      document.querySelector('#timeline tbody').textContent = '';
      $('verify-result').textContent = '';
      history.replaceState(null, '', '#master=' + raw);
      var results = await Promise.all([loadPage(), api('/audit/api/masters/' + raw + '/transitions')]);
      renderDiagram(results[1]);
      $('timeline-section').hidden = false;
      $('diagram-section').hidden = false;
      $('verify-master').disabled = false;
      if (state.entries.length > 0) setStatus('');
      else if (state.next) setStatus('Nothing for master ' + raw + ' in the part of the history read so far: "Load more" reads on.');
      else setStatus('No events recorded for master ' + raw + (query.from || query.to ? ' in this time window.' : '.'));
    } catch (e) {
      setStatus(describeError(e), true);
    } finally {
      state.busy = false;
    }
  }

  async function more() {
    if (state.busy || !state.next) return;
    state.busy = true;
    $('more').disabled = true;
    try {
      setStatus('Loading…');
      await loadPage();
      setStatus('');
    } catch (e) {
      setStatus(describeError(e), true);
    } finally {
      state.busy = false;
      $('more').disabled = false;
    }
  }

` +
  AUDIT_PAGE_DIAGRAM +
  String.raw`
  function showVerify(report) {
    var out = $('verify-result');
    out.textContent = '';
    var line = document.createElement('p');
    line.className = report.ok ? 'ok' : 'bad';
    line.id = 'verify-verdict';
    line.textContent = (report.ok ? 'OK — ' : 'BROKEN — ') + report.scope + ': ' + report.events + ' event(s) in ' + report.streams + ' stream(s)' +
      (report.ok ? '; every hash and every link checks out.' : '; ' + report.breaks.length + ' stream(s) with a broken chain.');
    out.appendChild(line);
    if (report.breaks.length) {
      var list = document.createElement('ul');
      report.breaks.forEach(function (b) {
        var item = document.createElement('li');
        item.textContent = b.streamId + ' @ revision ' + b.revision + ' (' + b.type + ', position ' + b.position + '): ' + b.reason + ' — ' + b.message;
        list.appendChild(item);
      });
      out.appendChild(list);
    }
  }

  async function verify(all) {
    var out = $('verify-result');
    out.textContent = 'Verifying…';
    try {
      if (all) return showVerify(await api('/audit/api/verify'));
      // Every stream the timeline loaded so far touches, a few at a time ("Load more" adds the rest).
      var streams = Array.from(state.streams);
      var combined = { ok: true, scope: streams.length + ' stream(s) shown in the timeline so far', streams: 0, events: 0, breaks: [] };
      var next = 0;
      async function worker() {
        while (next < streams.length) {
          var report = await api('/audit/api/verify', { stream: streams[next++] });
          combined.ok = combined.ok && report.ok;
          combined.streams += report.streams;
          combined.events += report.events;
          combined.breaks = combined.breaks.concat(report.breaks);
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()]);
      showVerify(combined);
    } catch (e) {
      out.textContent = '';
      setStatus(describeError(e), true);
    }
  }

  // ----- wiring -----

  function init() {
    showAuth();
    $('token-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = $('token').value.trim();
      $('token').value = '';
      if (!value) return setStatus('Paste the audit token first.', true);
      sessionStorage.setItem(TOKEN_KEY, value);
      showAuth();
      setStatus('Token set for this tab.');
      if ($('master').value.trim()) search();
    });
    $('forget').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      showAuth();
      setStatus('Token forgotten.');
    });
    $('search-form').addEventListener('submit', search);
    $('more').addEventListener('click', more);
    $('verify-master').addEventListener('click', function () { verify(false); });
    $('verify-all').addEventListener('click', function () { verify(true); });
    var linked = /^#master=([0-9]{1,16})$/.exec(window.location.hash);
    if (linked) {
      $('master').value = linked[1];
      if (token()) search();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
`;
