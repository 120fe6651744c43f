(async () => {
  const sleep = ms => new Promise(done => setTimeout(done, ms));
  const until = async (ok, ms) => { const end = Date.now() + ms;
    while (!ok() && Date.now() < end) await sleep(50); return ok(); };
  const views = [...document.querySelectorAll('script[type="%s"]')];
  const drawn = () => views.every(v => v.previousElementSibling
    && v.previousElementSibling.classList.contains('widget-subarea'));
  const widgetsDrawn = await until(drawn, 15000);
  const mj = window.MathJax;
  for (let p = null; mj && mj.startup && p !== mj.startup.promise; ) {
    p = mj.startup.promise;  // widget labels queue more typesetting behind it
    await p;
  }
  await document.fonts.ready;
  await until(() => [...document.images].every(i => i.complete), 10000);
  const math = [...document.querySelectorAll('.math')];
__LAYOUT__
  return {
    widgetViews: views.length, widgetsDrawn,
    widgetLabelMath: document.querySelectorAll('.widget-label mjx-container').length,
    mathElements: math.length,
    untypeset: math.filter(e => !e.querySelector('mjx-container'))
      .map(e => e.textContent.slice(0, 60)),
    images: document.images.length,
    figures: [...document.images].filter(i => !i.src.includes('/_static/')).length,
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
      .map(i => i.getAttribute('src')),
    html: document.documentElement.outerHTML,
    overflow: overflowing(),
  };
})()
