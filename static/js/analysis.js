/* The analysis page: follow the pipeline while it runs (AI-1), and the explanation's Print button.
 *
 * While the analysis runs, the steps fragment is fetched every couple of seconds and swapped in. When the analysis
 * has finished (ready, failed or stopped), the page reloads once to show the transcript, scores and feedback.
 */
(function () {
  "use strict";

  var region = document.querySelector("[data-progress-region][data-poll-url]");
  if (region) {
    var url = region.dataset.pollUrl;
    var every = parseInt(region.dataset.pollMs, 10) || 2000;
    var running = ["queued", "running"];
    var misses = 0;

    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          misses = 0;
          var holder = document.createElement("template");
          holder.innerHTML = html; // our own server-rendered, escaped fragment
          var card = holder.content.querySelector("[data-status]");
          if (!card) return schedule();
          region.replaceChildren(holder.content);
          if (running.indexOf(card.dataset.status) === -1) {
            window.location.reload();
            return;
          }
          schedule();
        })
        .catch(function () {
          misses += 1; // offline for a moment: keep trying, more slowly
          schedule(Math.min(30000, every * Math.pow(2, misses)));
        });
    };
    var schedule = function (delay) {
      window.setTimeout(poll, delay || every);
    };
    schedule();
  }

  var print = document.querySelector('[data-action="print"]');
  if (print) {
    print.addEventListener("click", function () {
      window.print();
    });
  }
})();
