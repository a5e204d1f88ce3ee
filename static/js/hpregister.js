// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A background export's page follows its progress, and shows the download link when the file is ready.
// Without JavaScript the page says to reload it.
const exportJob = document.querySelector("[data-export-status]");
if (exportJob) {
  const poll = async () => {
    const response = await fetch(exportJob.dataset.exportStatus, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const job = await response.json();
    const bar = document.querySelector("#export-progress");
    if (bar) bar.value = job.percent;
    exportJob.textContent = job.text;
    if (job.active) {
      setTimeout(poll, 2000);
    } else {
      window.location.reload();
    }
  };
  setTimeout(poll, 1500);
}
