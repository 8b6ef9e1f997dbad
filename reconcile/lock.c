#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "reconcile/lock.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_holder(int fd, char *message, size_t size)
{
	char pid[32] = "";
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	if (n > 0)
		pid[n] = '\0';
	pid[strcspn(pid, "\n")] = '\0';
	snprintf(message, size, "%s", pid[0] ? pid : "unknown");
}

int jn_lock_acquire(double wait_seconds, char *message, size_t size)
{
	double deadline = now() + wait_seconds;
	int fd = open(JN_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	char pid[32];

	if (fd < 0)
		return -errno;
	/* Poll every 50 ms: flock has no timeout of its own. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || now() >= deadline) {
			int rc = errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;

			read_holder(fd, message, size);
			close(fd);
			return rc;
		}
		usleep(50 * 1000);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		message[0] = '\0';
	return fd;
}

void jn_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* Clearing the pid is cosmetic: the lock goes with the descriptor. */
	if (ftruncate(fd, 0) < 0) {
	}
	close(fd);
}
