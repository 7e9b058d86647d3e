// Polls each unfinished export until the worker is done, then shows the download link.
(function () {
  "use strict";
  function poll(row) {
    fetch(row.dataset.statusUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((data) => {
        row.querySelector(".status").textContent = data.status_label;
        row.querySelector("progress").value = data.progress;
        row.querySelector(".rows").textContent = `${data.rows}/${data.total}`;
        row.dataset.status = data.status;
        if (data.status === "done" && data.download) {
          row.querySelector(".download").innerHTML = "";
          const link = document.createElement("a");
          link.href = data.download;
          link.textContent = "下载";
          row.querySelector(".download").appendChild(link);
        } else if (data.status === "failed") {
          row.querySelector(".download").textContent = data.error || "失败";
        } else {
          setTimeout(() => poll(row), 1000);
        }
      })
      .catch(() => setTimeout(() => poll(row), 3000));
  }
  document.querySelectorAll("tr.export").forEach((row) => {
    if (row.dataset.status === "queued" || row.dataset.status === "running") poll(row);
  });
})();
