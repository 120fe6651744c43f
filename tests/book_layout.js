// The column check of tests/test_book.py, pasted into its page probes: defines overflowing(),
// which lists what is wider than the text column.
  const overflowing = () => {
    const col = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
    const edge = col.getBoundingClientRect();
    const wide = window.innerWidth >= 1000;
    const found = [];
    const label = e => {
      const text = (e.textContent || e.getAttribute('src') || '').trim().replace(/\s+/g, ' ').slice(0, 50);
      return `<${e.tagName.toLowerCase()}> "${text}"`;
    };
    const scroller = e => {
      for (let a = e; a && a !== col; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll') return a;
      }
      return null;
    };
    const page = document.documentElement.scrollWidth;
    if (page > window.innerWidth + 1) {
      const sticksOut = e => e.getBoundingClientRect().right > window.innerWidth + 1 && !scroller(e.parentElement);
      const culprits = [...col.querySelectorAll('*')].filter(e => sticksOut(e)
        && ![...e.children].some(sticksOut));
      found.push(`the page scrolls sideways (${page} px in ${window.innerWidth} px), because of ` +
                 culprits.slice(0, 3).map(label).join(', '));
    }
    // Display math in a box that clips: a character touching its top or bottom edge is cut.
    for (const e of col.querySelectorAll('mjx-container[display="true"]')) {
      if (getComputedStyle(e).overflowY === 'visible') continue;
      const r = e.getBoundingClientRect();
      const chars = [...e.querySelectorAll('mjx-c')].map(c => c.getBoundingClientRect()).filter(q => q.height > 0);
      if (chars.length && (Math.min(...chars.map(q => q.top)) < r.top + 1 ||
                           Math.max(...chars.map(q => q.bottom)) > r.bottom - 1)) {
        found.push(`${label(e)} touches the edge of its clipping box: glyphs are cut`);
      }
    }
    const blocks = 'table, pre, mjx-container[display="true"], div.math, img, .cell_output, .output, svg';
    for (const e of col.querySelectorAll(blocks)) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || e.closest('.widget-subarea, mjx-container:not([display="true"]), svg svg')) continue;
      const box = scroller(e);
      const right = box ? Math.min(r.right, box.getBoundingClientRect().right) : r.right;
      if (right > edge.right + 1 || r.left < edge.left - 1) {
        found.push(`${label(e)} sticks out of the column (${Math.round(r.left)}-${Math.round(right)} px, ` +
                   `column ${Math.round(edge.left)}-${Math.round(edge.right)} px)`);
      } else if (!box && e.tagName !== 'IMG' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
        found.push(`${label(e)} is cut: ${e.scrollWidth} px of content in ${e.clientWidth} px`);
      } else if (wide && box && e.matches('table, mjx-container, div.math') && box.scrollWidth > box.clientWidth + 1) {
        found.push(`${label(e)} needs sideways scrolling at ${window.innerWidth} px (${box.scrollWidth} px in ${box.clientWidth} px)`);
      }
    }
    return found;
  };
