// SPDX-License-Identifier: GPL-2.0
/* placeholder */
#include "harness.h"
#include "shadowmm/mirror.h"
