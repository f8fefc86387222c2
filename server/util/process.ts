/** Running a server part as a process: start it, stop it cleanly on SIGINT / SIGTERM, and say why it could not start. */
export function runProcess(start: () => Promise<{ close(): Promise<void> }>): void {
  start()
    .then((running) => {
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    })
    .catch((e) => {
      console.error(`could not start: ${(e as Error).message}`);
      process.exit(1);
    });
}
