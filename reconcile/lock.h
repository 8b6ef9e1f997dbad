/* The lock that serializes jailnet runs on one host. */
#ifndef JAILNET_LOCK_H
#define JAILNET_LOCK_H

#include <stddef.h>

#define JN_LOCK_PATH "/run/jailnet.lock"

/* Take the exclusive lock, waiting at most WAIT_SECONDS. Returns the lock
 * file descriptor, -ETIMEDOUT with the holder's pid in MESSAGE, or -errno. */
int jn_lock_acquire(double wait_seconds, char *message, size_t size);
void jn_lock_release(int fd);

#endif
