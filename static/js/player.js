/* The analysis page's player: hear the moment a quote or a transcript turn was said (AI-4).
 *
 * Every element with data-seek="<seconds>" (each timestamp and each evidence quote) moves the <audio data-player>
 * to that moment and plays it; without JavaScript they stay plain links to the transcript turn. While the audio
 * plays, the transcript turn whose [data-start, data-end) holds the current time is highlighted and marked
 * aria-current. The server answers the audio's byte-range requests, so seeking works without loading the file.
 */
(function () {
  "use strict";

  var player = document.querySelector("audio[data-player]");
  if (!player) return;
  var turns = Array.prototype.slice.call(document.querySelectorAll(".transcript [data-start]"));
  var current = null;

  function seek(seconds) {
    var go = function () {
      player.currentTime = seconds;
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () { /* autoplay refused: the position is still set */ });
      highlight();
    };
    if (player.readyState >= 1) {
      go();
    } else {
      player.addEventListener("loadedmetadata", go, { once: true });
      player.load();
    }
  }

  function highlight() {
    var now = player.currentTime;
    var found = null;
    for (var i = 0; i < turns.length; i += 1) {
      var start = parseFloat(turns[i].dataset.start);
      var end = parseFloat(turns[i].dataset.end);
      if (now >= start && now < end) { found = turns[i]; break; }
    }
    if (found === current) return;
    if (current) {
      current.classList.remove("turn-playing");
      current.removeAttribute("aria-current");
    }
    current = found;
    if (current) {
      current.classList.add("turn-playing");
      current.setAttribute("aria-current", "true");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seek]");
    if (!target) return;
    var seconds = parseFloat(target.dataset.seek);
    if (isNaN(seconds)) return;
    event.preventDefault();
    seek(seconds);
  });
  player.addEventListener("timeupdate", highlight);
  player.addEventListener("seeked", highlight);
})();
