#include <string.h>

#include "model/model.h"
#include "model/names.h"

static bool charset_is_valid(const char *name)
{
	if (name[0] == '.' || name[0] == '-')
		return false;
	for (const char *c = name; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
			  *c == '-';
		if (!ok)
			return false;
	}
	return true;
}

bool jn_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= JN_NAME_MAX && charset_is_valid(name);
}

bool jn_ifname_is_valid(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= JN_IFNAME_MAX && charset_is_valid(name);
}
