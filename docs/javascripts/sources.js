// /sources/ lists every source under the anchor it has always had (/sources/#<id>); the
// entry itself is on its letter's page. A link to /sources/#<id> is followed on to it.
// Without JavaScript the anchor still lands on the source's line, which links to the entry.
(function () {
  function follow() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var item = id && document.getElementById(id);
    var list = item && item.parentNode;
    var link = list && list.classList && list.classList.contains("ir-source-index") &&
      item.querySelector("a[href]");
    if (link) window.location.replace(link.href);
  }
  follow();
  window.addEventListener("hashchange", follow);
})();
