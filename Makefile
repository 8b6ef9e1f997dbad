# jailnet: declarative network jails reconciled over netlink.

# Install locations. The .deb sets PREFIX=/usr UNITDIR=/lib/systemd/system.
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0

CC ?= cc
CFLAGS ?= -O2 -g
# Flags the build needs whatever CFLAGS the caller gives.
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2 -Wpointer-arith -Wcast-align \
	-Wwrite-strings -Wundef -Wvla -Wnull-dereference -Wimplicit-fallthrough \
	-Wno-unused-parameter -D_GNU_SOURCE -DJAILNET_VERSION='"$(VERSION)"' -I.
override CFLAGS += $(shell $(PKG_CONFIG) --cflags yaml-0.1 libmnl libnftnl)
LDLIBS += $(shell $(PKG_CONFIG) --libs yaml-0.1 libmnl libnftnl)
DEPFLAGS = -MMD -MP

ifneq ($(V),1)
Q = @
quiet = @printf '  %-6s %s\n' $(1) $(2);
endif

MODEL_SRC := $(wildcard model/*.c)
RECONCILE_SRC := $(wildcard reconcile/*.c)
CMD_SRC := $(wildcard cmd/*.c)
LIB_OBJ := $(MODEL_SRC:.c=.o) $(RECONCILE_SRC:.c=.o)
CMD_OBJ := $(CMD_SRC:.c=.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:.c=)

all: jailnet

libjailnet.a: $(LIB_OBJ)
	$(call quiet,AR,$@)$(AR) rcs $@ $^

jailnet: $(CMD_OBJ) libjailnet.a
	$(call quiet,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) libjailnet.a $(LDLIBS)

# A test build whose apply fails on request (JAILNET_FAULT_STEP=N), to
# prove that every step can be undone. The installed binary has no hook.
jailnet-fault: $(MODEL_SRC) $(RECONCILE_SRC) $(CMD_SRC)
	$(call quiet,LD,$@)$(CC) $(CPPFLAGS) $(CFLAGS) -DJAILNET_FAULT_INJECTION $(LDFLAGS) -o $@ $^ $(LDLIBS)

%.o: %.c
	$(call quiet,CC,$@)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.c tests/unit/unit.h libjailnet.a
	$(call quiet,LD,$@)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< libjailnet.a $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# The fuzz target run over the checked-in corpus, without libFuzzer.
fuzz/replay: fuzz/replay.c fuzz/fuzz_config.c libjailnet.a
	$(call quiet,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ fuzz/replay.c fuzz/fuzz_config.c libjailnet.a $(LDLIBS)

unit: $(UNIT_BIN) fuzz/replay
	$(Q)set -e; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t; done
	$(Q)fuzz/replay fuzz/corpus/*

# libFuzzer with ASan and UBSan (needs clang): make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz/fuzz_config: fuzz/fuzz_config.c $(MODEL_SRC)
	$(call quiet,LD,$@)clang $(filter-out -Wimplicit-fallthrough -O2,$(CFLAGS)) -O1 -g \
		-fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

fuzz: fuzz/fuzz_config
	mkdir -p fuzz/new-corpus
	fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		fuzz/new-corpus fuzz/corpus

# Integration tests need root; each one runs in its own sandbox.
integration: jailnet jailnet-fault
	$(Q)tests/integration/run-all

check: unit integration

# The whole suite once more with AddressSanitizer and UBSan, then a normal
# build again.
SANITIZE_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
check-sanitize:
	$(MAKE) clean
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) check CFLAGS='$(SANITIZE_FLAGS)' LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean
	$(MAKE) all

# Unit tests and plan/apply under valgrind: no leaks, no invalid accesses.
# The binaries are built in the recipe: check-sanitize, run before this in
# `make test`, removes them after make has decided what is up to date.
check-valgrind:
	$(MAKE) all $(UNIT_BIN) fuzz/replay
	$(Q)set -e; for t in $(UNIT_BIN); do \
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=1 ./$$t >/dev/null; done
	$(Q)valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=1 fuzz/replay fuzz/corpus/* >/dev/null
	$(Q)tests/sandbox tests/valgrind-plan-apply

# The man pages are lint-clean and complete, make install puts every file
# in place, and the .deb builds, installs and runs (needs root).
check-packaging:
	$(MAKE) all
	tests/check-man
	tests/check-install
	tests/check-deb

# Everything CI runs.
test: check check-sanitize check-valgrind check-packaging

# The unit names the binary and the config by their paths, so install
# rewrites them for SBINDIR and SYSCONFDIR. An existing jails.yaml is
# kept, and uninstall removes it only while it is the shipped example.
install: jailnet
	install -D -m 0755 jailnet $(DESTDIR)$(SBINDIR)/jailnet
	install -D -m 0644 man/jailnet.8 $(DESTDIR)$(MANDIR)/man8/jailnet.8
	install -D -m 0644 man/jailnet.yaml.5 $(DESTDIR)$(MANDIR)/man5/jailnet.yaml.5
	install -D -m 0644 contrib/bash-completion/jailnet $(DESTDIR)$(COMPLETIONDIR)/jailnet
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/sbin/jailnet|$(SBINDIR)/jailnet|g' \
		-e 's|/etc/jailnet/|$(SYSCONFDIR)/jailnet/|g' \
		contrib/systemd/jailnet.service >$(DESTDIR)$(UNITDIR)/jailnet.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/jailnet.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/jailnet
	test -e $(DESTDIR)$(SYSCONFDIR)/jailnet/jails.yaml || \
		install -m 0644 contrib/jails.yaml $(DESTDIR)$(SYSCONFDIR)/jailnet/jails.yaml

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/jailnet
	rm -f $(DESTDIR)$(MANDIR)/man8/jailnet.8 $(DESTDIR)$(MANDIR)/man5/jailnet.yaml.5
	rm -f $(DESTDIR)$(COMPLETIONDIR)/jailnet
	rm -f $(DESTDIR)$(UNITDIR)/jailnet.service
	if cmp -s contrib/jails.yaml $(DESTDIR)$(SYSCONFDIR)/jailnet/jails.yaml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/jailnet/jails.yaml; fi
	rmdir $(DESTDIR)$(SYSCONFDIR)/jailnet 2>/dev/null || true

clean:
	rm -f jailnet jailnet-fault fuzz/replay fuzz/fuzz_config libjailnet.a */*.o */*.d tests/unit/*.o tests/unit/*.d $(UNIT_BIN)

.PHONY: fuzz all unit integration check check-sanitize check-valgrind check-packaging test install uninstall clean

-include $(wildcard */*.d tests/unit/*.d)
