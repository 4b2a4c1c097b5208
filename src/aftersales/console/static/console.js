// Live SLA countdowns. The page gives the server's clock (body data-now) and each deadline
// (data-due), both in milliseconds; counting from the server's clock keeps a wrong clock on
// the reader's device from showing a wrong time left. Without this script the page still
// shows the time left as of loading.
(function () {
  "use strict";
  var body = document.body;
  var offset = Number(body.getAttribute("data-now")) - Date.now();
  var soonMs = 4 * 3600 * 1000;
  var clocks = document.querySelectorAll("time.countdown[data-due]");
  if (!clocks.length) { return; }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function text(ms, el) {
    var zh = el.getAttribute("data-lang") === "zh";
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    var span;
    if (d) { span = zh ? d + "天" + h + "小时" : d + "d " + h + "h"; }
    else if (h) { span = zh ? h + "小时" + two(m) + "分" : h + "h " + two(m) + "m"; }
    else { span = zh ? m + "分" + two(sec) + "秒" : m + "m " + two(sec) + "s"; }
    var word = el.getAttribute(ms >= 0 ? "data-left" : "data-overdue");
    return zh ? word + " " + span : span + " " + word;
  }

  function tick() {
    var now = Date.now() + offset;
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      var left = Number(el.getAttribute("data-due")) - now;
      el.textContent = text(left, el);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < soonMs);
      el.classList.toggle("ok", left >= soonMs);
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
