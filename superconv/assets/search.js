
(function () {   // the index is a script, not JSON fetched at run time, so search also works from file:// URLs
  const idx = lunr.Index.load(window.SEARCH_INDEX), docs = window.SEARCH_DOCS;
  const box = document.getElementById('search'), out = document.getElementById('results');
  const esc = s => s.replace(/[&<>]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]));
  function snippet(d, terms) {
    for (const f of [d.text, d.code]) {
      const low = f.toLowerCase(), i = Math.min(...terms.map(t => low.indexOf(t)).filter(i => i >= 0));
      if (!isFinite(i)) continue;
      const s = Math.max(0, i - 80), t = terms.find(t => low.startsWith(t, i)) || '';
      return (s ? '…' : '') + esc(f.slice(s, i)) + '<mark>' + esc(f.slice(i, i + t.length)) + '</mark>'
        + esc(f.slice(i + t.length, i + 160)) + '…';
    }
    return '';
  }
  box.addEventListener('input', () => {
    const q = box.value.trim().toLowerCase(), terms = q.split(/[^\w]+/).filter(t => t.length > 1);
    out.innerHTML = ''; out.hidden = !terms.length;
    if (!terms.length) return;
    const hits = idx.query(b => terms.forEach(t => {   // a whole word counts most; a prefix finds a word being typed
      b.term(t, {boost: 10}); b.term(t, {wildcard: lunr.Query.wildcard.TRAILING}); }));
    out.innerHTML = `<b>${hits.length} page${hits.length == 1 ? '' : 's'} for “${esc(q)}”</b>` + hits.map(h => {
      const d = docs[h.ref];
      return `<div class="hit"><a href="${h.ref}">${esc(d.title)}</a><span class="sec">${esc(d.section)}</span>`
        + `<p>${snippet(d, terms)}</p></div>`;
    }).join('');
  });
  box.addEventListener('keydown', e => {
    if (e.key === 'Escape') { box.value = ''; box.dispatchEvent(new Event('input')); } });
})();
