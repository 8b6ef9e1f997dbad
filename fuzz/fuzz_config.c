/* libFuzzer target: parsing and validation of jailnet.yaml. Any input must
 * end in a config or in diagnostics, without a crash, leak or undefined
 * behaviour. Build with `make fuzz`; the test suite replays the corpus. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jn_config config;
	struct jn_diag diag;

	jn_diag_init(&diag, "fuzz.yaml");
	if (jn_config_load_buffer("fuzz.yaml", (const char *)data, size, &config, &diag) == 0)
		jn_config_free(&config);
	jn_diag_sort(&diag);
	for (size_t i = 0; i < diag.count; i++)
		free(jn_diag_format(&diag, i));
	jn_diag_free(&diag);
	return 0;
}
