/* Saved widgets on a book page: MathJax 3 for their labels, and their icon fonts offline.
 *
 * _config.yml loads this file (through nb_ipywidgets_js) just before require.js and the
 * @jupyter-widgets/html-manager 1.0 embed script, on the pages that hold saved widget state.
 *
 * 1. The html manager typesets a widget label with MathJax 2's API,
 *    MathJax.Hub.Queue(["Typeset", MathJax.Hub, label]). The book loads MathJax 3, which has
 *    no Hub, so without this the call throws and labels with TeX stay raw. The Hub defined here
 *    typesets the label with MathJax 3, queued after MathJax's own start-up typesetting.
 * 2. The manager's CSS asks for its Font Awesome files at
 *    "@jupyter-widgets/html-manager/dist/" relative to the page (its AMD module path). Map that
 *    module path to the vendored widgets/ folder, which sits beside _static/ at the root of
 *    the HTML output (tools/vendor_assets.py copies the fonts there).
 */
(function () {
  "use strict";

  function typeset(element) {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.typesetPromise) {
      return;
    }
    mj.startup.promise = mj.startup.promise
      .then(function () { return mj.typesetPromise(element ? [element] : undefined); })
      .catch(function (err) { console.warn("MathJax could not typeset a widget label:", err); });
  }

  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset") {
          typeset(job[2]);
        }
      }
    }
  };

  function installHub() {
    if (!window.MathJax.Hub) {
      window.MathJax.Hub = hub;
    }
  }

  // Pages without math load no MathJax: the manager then skips typesetting by itself.
  var mathjax = window.MathJax;
  if (mathjax && mathjax.version) {
    installHub();  // MathJax 3 already running
  } else if (mathjax) {
    // The configuration object Sphinx writes before MathJax 3 (loaded with defer) starts.
    mathjax.startup = mathjax.startup || {};
    var ready = mathjax.startup.ready;
    mathjax.startup.ready = function () {
      if (ready) {
        ready();
      } else {
        window.MathJax.startup.defaultReady();
      }
      installHub();
    };
  }

  var here = document.currentScript && document.currentScript.src;
  if (here) {
    var paths = { "@jupyter-widgets/html-manager/dist": new URL("../widgets", here).href };
    if (typeof window.require === "function" && window.require.config) {
      window.require.config({ paths: paths });
    } else if (window.require === undefined) {
      window.require = { paths: paths };  // read by require.js when it loads
    }
  }
})();
