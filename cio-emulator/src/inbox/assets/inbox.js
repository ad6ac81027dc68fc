// The inbox's only script. It keeps the page live without reloading it: every
// second it asks /__version whether the emulator's state changed and, when it did,
// fetches the page's own address again and updates the parts that differ in place
// (what the server sends unchanged stays as it is: an open tab, a message frame,
// the search box).
// It filters the people and messages as the search box is typed in, and moves the
// clock and reports a message's metrics without leaving the page.
(function () {
  'use strict';

  var seen = null;
  var busy = false;
  // The page as the server last sent it: what a fresh copy is compared with, so
  // that what the browser changed itself (a frame's attributes, a row hidden by the
  // search) never counts as a change.
  var served = document.documentElement.cloneNode(true);

  function byId(elements) {
    var found = new Map();
    Array.prototype.forEach.call(elements, function (c) {
      if (c.id) { found.set(c.id, c); }
    });
    return found;
  }

  // Makes `old`'s children look like `fresh`'s, given `before`, what the server
  // sent for `old` last time: a child with an id is matched by id, one without by
  // its place; a child the server sent unchanged is kept as it is, one marked
  // data-live is updated in place, any other is replaced.
  function sync(old, fresh, before) {
    var mates = byId(old.children);
    var priors = byId(before.children);
    var used = new Set();
    var wanted = Array.prototype.map.call(fresh.childNodes, function (c, i) {
      var keyed = c.nodeType === 1 && c.id;
      var mate = keyed ? mates.get(c.id) : old.childNodes[i];
      var prior = keyed ? priors.get(c.id) : before.childNodes[i];
      if (mate && prior && !used.has(mate) && mate.nodeName === c.nodeName &&
          (mate.id || '') === (c.id || '')) {
        if (prior.isEqualNode(c)) { used.add(mate); return mate; }
        if (c.nodeType === 1 && c.hasAttribute('data-live')) {
          attributes(mate, c);
          sync(mate, c, prior);
          used.add(mate);
          return mate;
        }
      }
      return document.importNode(c, true);
    });
    var keep = new Set(wanted);
    Array.prototype.slice.call(old.childNodes).forEach(function (c) {
      if (!keep.has(c)) { old.removeChild(c); }
    });
    wanted.forEach(function (node, i) {
      var at = old.childNodes[i];
      if (at !== node) { old.insertBefore(node, at || null); }
    });
  }

  function attributes(old, fresh) {
    Array.prototype.slice.call(old.attributes).forEach(function (a) {
      if (!fresh.hasAttribute(a.name)) { old.removeAttribute(a.name); }
    });
    Array.prototype.forEach.call(fresh.attributes, function (a) {
      if (old.getAttribute(a.name) !== a.value) { old.setAttribute(a.name, a.value); }
    });
  }

  function refresh() {
    return fetch(location.href, { cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        document.title = doc.title;
        ['clock-bar', 'content'].forEach(function (id) {
          var part = document.getElementById(id);
          var fresh = doc.getElementById(id);
          var before = served.querySelector('#' + id);
          if (part && fresh && before) {
            attributes(part, fresh);
            sync(part, fresh, before);
          }
        });
        served = doc.documentElement;
        filter();
      });
  }

  function poll() {
    if (busy) { return; }
    busy = true;
    fetch('/__version', { cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (version) {
        if (seen === null || version === seen) { seen = version; return; }
        return refresh().then(function () { seen = version; });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  // Shows the rows whose data-search holds every word typed.
  function filter() {
    var box = document.getElementById('search');
    if (!box || !document.getElementById('people-section')) { return; }
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll('tr[data-search]').forEach(function (row) {
      var text = row.getAttribute('data-search');
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match && row.closest('#people')) { shown += 1; }
    });
    var none = document.getElementById('no-match');
    if (none) { none.hidden = shown > 0 || words.length === 0; }
  }

  document.addEventListener('input', function (e) {
    if (e.target.id !== 'search' || !document.getElementById('people-section')) { return; }
    filter();
    var q = e.target.value;
    history.replaceState(null, '', q ? '/?q=' + encodeURIComponent(q) : '/');
  });

  // The clock's buttons, without leaving the page.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.getAttribute('action') !== '/__clock') { return; }
    e.preventDefault();
    var button = e.submitter || form.querySelector('button');
    var advance = button ? button.value : 'next';
    var body = advance === 'next' ? { advance: 'next' } : { advance: Number(advance) };
    fetch('/__clock', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(refresh).catch(function () {});
  });

  // The report buttons under a message (opened, clicked, bounced), without
  // leaving the page: the webhook shows up under the message once it is sent.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!/^\/messages\/\d+\/report$/.test(form.getAttribute('action') || '')) { return; }
    e.preventDefault();
    var button = e.submitter || form.querySelector('button');
    if (!button) { return; }
    fetch(form.getAttribute('action'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metric: button.value })
    }).then(function (r) {
      if (r.ok) { return refresh(); }
      return r.json().then(function (answer) {
        var note = document.createElement('span');
        note.className = 'error';
        note.textContent = answer.error || ('refused: ' + r.status);
        form.parentNode.appendChild(note);
      });
    }).catch(function () {});
  });

  document.addEventListener('visibilitychange', poll);
  filter();
  poll();
  setInterval(poll, 1000);
})();
