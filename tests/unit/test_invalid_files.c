/* Every testdata/invalid/NAME.yaml must fail to load with exactly the
 * messages in NAME.err, one per line, sorted by position. The paths are
 * relative to the repository root, where `make unit` runs the tests. */
#include "tests/unit/unit.h"

#include <glob.h>

#define INVALID_DIR "testdata/invalid"
/* Fewer files means that some were lost or the directory was not found. */
#define MIN_INVALID_FILES 40

static glob_t yaml_files;

/* Return PATH with its ".yaml" suffix replaced by SUFFIX, in a new string. */
static char *sibling_path(const char *path, const char *suffix)
{
	size_t stem = strlen(path) - strlen(".yaml");
	char *sibling = unit_xmalloc(stem + strlen(suffix) + 1);

	memcpy(sibling, path, stem);
	strcpy(sibling + stem, suffix);
	return sibling;
}

static void invalid_files_count(void **state)
{
	(void)state;
	if (yaml_files.gl_pathc < MIN_INVALID_FILES)
		fail_msg("found %zu files matching %s/*.yaml, expected at least %d; run the test from the repository root",
			 yaml_files.gl_pathc, INVALID_DIR, MIN_INVALID_FILES);
}

/* Every NAME.err belongs to a NAME.yaml, so no expectation is silently
 * skipped after a rename. */
static void invalid_files_paired(void **state)
{
	glob_t err_files;

	(void)state;
	if (glob(INVALID_DIR "/*.err", 0, NULL, &err_files) != 0)
		fail_msg("found no %s/*.err files", INVALID_DIR);
	for (size_t i = 0; i < err_files.gl_pathc; i++) {
		const char *err = err_files.gl_pathv[i];
		size_t stem = strlen(err) - strlen(".err");
		char *yaml = unit_xmalloc(stem + strlen(".yaml") + 1);
		FILE *file;

		memcpy(yaml, err, stem);
		strcpy(yaml + stem, ".yaml");
		file = fopen(yaml, "rb");
		if (!file)
			fail_msg("%s has no matching %s", err, yaml);
		fclose(file);
		free(yaml);
	}
	globfree(&err_files);
}

static void invalid_file_rejected(void **state)
{
	const char *path = *state;
	char *err_path = sibling_path(path, ".err");
	struct jn_config config;
	struct jn_diag diag;
	char *expected, *actual, *actual_lines;
	size_t size;
	int rc;

	expected = unit_read_file(err_path, &size);
	if (!expected)
		fail_msg("cannot read %s, the expected messages for %s", err_path, path);

	jn_diag_init(&diag, path);
	rc = jn_config_load(path, &config, &diag);
	actual = unit_diag_text(&diag);
	if (asprintf(&actual_lines, "%s\n", actual) < 0)
		abort();

	assert_int_equal(rc, -1);
	assert_true(diag.count > 0);
	assert_string_equal(actual_lines, expected);

	free(actual_lines);
	free(actual);
	free(expected);
	free(err_path);
	jn_diag_free(&diag);
	jn_config_free(&config);
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t count = 2;
	int failed;

	if (glob(INVALID_DIR "/*.yaml", 0, NULL, &yaml_files) != 0)
		yaml_files.gl_pathc = 0;
	tests = calloc(count + yaml_files.gl_pathc, sizeof(*tests));
	if (!tests)
		abort();
	tests[0] = (struct CMUnitTest)cmocka_unit_test(invalid_files_count);
	tests[1] = (struct CMUnitTest)cmocka_unit_test(invalid_files_paired);
	/* One test per file, named by its path, with the path as state. */
	for (size_t i = 0; i < yaml_files.gl_pathc; i++) {
		tests[count].name = yaml_files.gl_pathv[i];
		tests[count].test_func = invalid_file_rejected;
		tests[count].initial_state = yaml_files.gl_pathv[i];
		count++;
	}
	/* cmocka_run_group_tests() takes only a fixed array, because it counts
	 * the tests with sizeof, so this calls the function behind it. */
	failed = _cmocka_run_group_tests("invalid_files", tests, count, NULL, NULL);
	free(tests);
	globfree(&yaml_files);
	return failed;
}
