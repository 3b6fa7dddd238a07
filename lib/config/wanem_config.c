/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wanem's JSON vocabulary (see wanem_config.h): the file's keys into struct wanem_config, in
 * the file's units, and the control channel's `set KEY VALUE` on the same keys. Absent keys
 * take the engine's defaults from wanem.h; app/wanem/params.c makes engine params of it.
 */
#include "wanem_config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wanem.h"

#define US_PER_MS 1000.0

/* In enum order: the index returned by cfg_node_enum is the enum value. */
static const char *const jitter_dists[] = {"uniform", "normal", NULL};
static const char *const mtu_actions[] = {"drop", "icmp", NULL};
static const char *const loss_models[] = {"random", "gilbert_elliott", NULL};

const char *wanem_dir_name(enum wanem_dir d)
{
	return d == WANEM_A2B ? "a2b" : d == WANEM_B2A ? "b2a" : NULL;
}

const char *wanem_cfg_jitter_dist_name(enum wanem_cfg_jitter_dist j)
{
	return (unsigned int)j <= WANEM_CFG_JITTER_NORMAL ? jitter_dists[j] : "?";
}

const char *wanem_cfg_loss_model_name(enum wanem_cfg_loss_model l)
{
	return (unsigned int)l <= WANEM_CFG_LOSS_GILBERT_ELLIOTT ? loss_models[l] : "?";
}

const char *wanem_cfg_mtu_action_name(enum wanem_cfg_mtu_action a)
{
	return (unsigned int)a <= WANEM_CFG_MTU_ICMP ? mtu_actions[a] : "?";
}

/* A direction before any key: the engine's defaults, in the file's units. */
static void dir_defaults(struct wanem_cfg_dir *d, uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->jitter_distribution = WANEM_CFG_JITTER_UNIFORM;
	/* Unlike the engine's default: a link reorders only when asked to ("reorder"). */
	d->jitter_keeps_order = true;
	d->loss_model = WANEM_CFG_LOSS_RANDOM;
	d->loss_bad = WANEM_DEFAULT_LOSS_BAD;
	d->reorder_delay_ms = WANEM_DEFAULT_REORDER_DELAY_US / US_PER_MS;
	d->mtu_action = WANEM_CFG_MTU_DROP;
	d->max_packets = WANEM_DEFAULT_MAX_PACKETS;
	d->seed = seed;
}

const char *wanem_cfg_dir_check(const struct wanem_cfg_dir *d)
{
	if (!(d->jitter_ms <= d->delay_ms))
		return "jitter_ms larger than delay_ms (allowed: jitter_ms <= delay_ms, a packet "
		       "cannot leave before it arrived)";
	return NULL;
}

/* A JSON number (integer or real) in [min, max]. Absent: *out untouched, true. */
static bool get_number(const struct cfg_node *obj, const char *key, double min, double max,
                       double *out)
{
	struct cfg_node m = cfg_member(obj, key);
	char found[64];
	double v;

	if (!cfg_present(&m))
		return true;
	if (!json_is_number(m.json)) {
		cfg_error(&m, "expected a number %g..%g, found %s", min, max,
		          cfg_describe(m.json, found, sizeof(found)));
		return false;
	}
	v = json_number_value(m.json);
	if (!(v >= min && v <= max)) {
		cfg_error(&m, "%g out of range (allowed: %g..%g)", v, min, max);
		return false;
	}
	*out = v;
	return true;
}

/* Apply the keys present in the impairment object n onto d. */
static void parse_impairment(const struct cfg_node *n, struct wanem_cfg_dir *d)
{
	static const char *const keys[] = {"rate_mbps",
	                                   "burst_bytes",
	                                   "queue_bytes",
	                                   "delay_ms",
	                                   "jitter_ms",
	                                   "jitter_distribution",
	                                   "jitter_keeps_order",
	                                   "loss",
	                                   "duplicate",
	                                   "reorder",
	                                   "reorder_delay_ms",
	                                   "mtu",
	                                   "mtu_action",
	                                   "icmp_source",
	                                   "down",
	                                   "max_packets",
	                                   "seed",
	                                   NULL};
	static const char *const ge_keys[] = {"p", "r", "loss_bad", "loss_good", NULL};
	struct cfg_node m;
	int e;

	if (!cfg_node_object(n, keys))
		return;
	get_number(n, "rate_mbps", 0, WANEM_CFG_MAX_RATE_MBPS, &d->rate_mbps);
	cfg_get_u32(n, "burst_bytes", CFG_OPTIONAL, 0, 1u << 30, d->burst_bytes, &d->burst_bytes);
	cfg_get_u32(n, "queue_bytes", CFG_OPTIONAL, WANEM_MIN_QUEUE_BYTES,
	            WANEM_CFG_MAX_QUEUE_BYTES, d->queue_bytes, &d->queue_bytes);
	get_number(n, "delay_ms", 0, WANEM_CFG_MAX_DELAY_MS, &d->delay_ms);
	get_number(n, "jitter_ms", 0, WANEM_CFG_MAX_DELAY_MS, &d->jitter_ms);
	e = (int)d->jitter_distribution;
	cfg_get_enum(n, "jitter_distribution", CFG_OPTIONAL, jitter_dists, e, &e);
	d->jitter_distribution = (enum wanem_cfg_jitter_dist)e;
	cfg_get_bool(n, "jitter_keeps_order", CFG_OPTIONAL, d->jitter_keeps_order,
	             &d->jitter_keeps_order);

	m = cfg_member(n, "loss");
	if (cfg_present(&m) && json_is_object(m.json)) {
		/* Gilbert-Elliott: {"p": .., "r": .., "loss_bad": 1, "loss_good": 0} */
		struct cfg_node gp;
		cfg_node_object(&m, ge_keys);
		d->loss_model = WANEM_CFG_LOSS_GILBERT_ELLIOTT;
		if (cfg_require(&m, "p", &gp))
			get_number(&m, "p", 0, 1, &d->ge_p);
		if (cfg_require(&m, "r", &gp))
			get_number(&m, "r", 0, 1, &d->ge_r);
		get_number(&m, "loss_bad", 0, 1, &d->loss_bad);
		get_number(&m, "loss_good", 0, 1, &d->loss_good);
	} else if (cfg_present(&m)) {
		char found[64];
		if (json_is_number(m.json)) {
			if (get_number(n, "loss", 0, 1, &d->loss))
				d->loss_model = WANEM_CFG_LOSS_RANDOM;
		} else {
			cfg_error(&m,
			          "expected a probability 0..1 or a Gilbert-Elliott object "
			          "{\"p\", \"r\", \"loss_bad\", \"loss_good\"}, found %s",
			          cfg_describe(m.json, found, sizeof(found)));
		}
	}
	get_number(n, "duplicate", 0, 1, &d->duplicate);
	get_number(n, "reorder", 0, 1, &d->reorder);
	get_number(n, "reorder_delay_ms", 0, WANEM_CFG_MAX_DELAY_MS, &d->reorder_delay_ms);
	cfg_get_u32(n, "mtu", CFG_OPTIONAL, 68, 65535, d->mtu, &d->mtu);
	e = (int)d->mtu_action;
	cfg_get_enum(n, "mtu_action", CFG_OPTIONAL, mtu_actions, e, &e);
	d->mtu_action = (enum wanem_cfg_mtu_action)e;
	m = cfg_member(n, "icmp_source");
	if (cfg_present(&m))
		cfg_node_ipv4(&m, &d->icmp_source);
	cfg_get_bool(n, "down", CFG_OPTIONAL, d->down, &d->down);
	cfg_get_u32(n, "max_packets", CFG_OPTIONAL, 1, WANEM_MAX_PACKETS_LIMIT, d->max_packets,
	            &d->max_packets);
	cfg_get_u64(n, "seed", CFG_OPTIONAL, 0, UINT64_MAX / 4, d->seed, &d->seed);
}

static void parse_link(const struct cfg_node *n, unsigned int idx, struct wanem_cfg_link *l)
{
	static const char *const keys[] = {"name", "a", "b", "both", "a2b", "b2a", NULL};
	struct cfg_node both, own;
	unsigned int errors_before = cfg_doc_error_count(n->doc);

	if (!cfg_node_object(n, keys))
		return;
	cfg_get_name(n, "name", CFG_REQUIRED, NULL, l->name, sizeof(l->name));
	cfg_get_string(n, "a", CFG_REQUIRED, NULL, l->dev[0], sizeof(l->dev[0]));
	cfg_get_string(n, "b", CFG_REQUIRED, NULL, l->dev[1], sizeof(l->dev[1]));
	/* "both" is parsed once (its errors reported once), then each direction adds its own */
	struct wanem_cfg_dir common;
	dir_defaults(&common, idx + 1);
	both = cfg_member(n, "both");
	if (cfg_present(&both))
		parse_impairment(&both, &common);
	for (int d = 0; d < WANEM_NB_DIRS; d++) {
		struct wanem_cfg_dir *dir = &l->dir[d];
		const char *why;

		*dir = common;
		own = cfg_member(n, wanem_dir_name(d));
		if (cfg_present(&own))
			parse_impairment(&own, dir);
		/* each direction its own stream, still a function of the configured seed */
		dir->seed = dir->seed * 2 + (uint64_t)d;
		/*
		 * Cross-key checks only when this link's keys all parsed: a key that failed holds
		 * its default and would cause a misleading second error. Errors in other links do
		 * not hide this one's, so one run reports them all.
		 */
		if (cfg_doc_error_count(n->doc) == errors_before &&
		    (why = wanem_cfg_dir_check(dir)) != NULL) {
			const struct cfg_node *at = cfg_present(&own) ? &own : &both;
			cfg_error(cfg_present(at) ? at : n, "%s", why);
		}
	}
}

static struct wanem_config *load(struct cfg_doc *doc, struct cfg_errors *errs,
                                 unsigned int errs_before)
{
	static const char *const keys[] = {"idle_sleep_us", "mbufs", "burst", "links", NULL};
	struct cfg_node root = cfg_root(doc), links;
	struct wanem_config *cfg;
	size_t n = 0;
	uint32_t burst;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		cfg_errors_add(errs, "%s: out of memory", cfg_doc_name(doc));
		return NULL;
	}
	if (cfg_node_object(&root, keys)) {
		cfg_get_u32(&root, "idle_sleep_us", CFG_OPTIONAL, 0, 1000000,
		            WANEM_CFG_DEFAULT_IDLE_SLEEP_US, &cfg->idle_sleep_us);
		cfg_get_u32(&root, "mbufs", CFG_OPTIONAL, 1023, 1u << 20, WANEM_CFG_DEFAULT_MBUFS,
		            &cfg->mbufs);
		cfg_get_u32(&root, "burst", CFG_OPTIONAL, 1, WANEM_CFG_MAX_BURST,
		            WANEM_CFG_DEFAULT_BURST, &burst);
		cfg->burst = (uint16_t)burst;
		if (cfg_require(&root, "links", &links) &&
		    cfg_node_array(&links, WANEM_CFG_MAX_LINKS, &n)) {
			if (n == 0)
				cfg_error(&links, "empty (allowed: 1..%d links)",
				          WANEM_CFG_MAX_LINKS);
			for (size_t i = 0; i < n; i++) {
				struct cfg_node item = cfg_item(&links, i);
				parse_link(&item, (unsigned int)i, &cfg->links[i]);
			}
			cfg->n_links = (unsigned int)n;
		}
	}
	/* names and devices are unique: one port cannot be in two places */
	for (size_t i = 0; i < n; i++) {
		struct cfg_node li = cfg_item(&links, i);
		for (size_t j = 0; j < i; j++)
			if (cfg->links[i].name[0] != '\0' &&
			    strcmp(cfg->links[i].name, cfg->links[j].name) == 0) {
				struct cfg_node nm = cfg_member(&li, "name");
				cfg_error(&nm, "duplicate link name \"%s\" (also links[%zu])",
				          cfg->links[i].name, j);
			}
		for (int e = 0; e < 2; e++) {
			const char *dev = cfg->links[i].dev[e];
			struct cfg_node dn = cfg_member(&li, e == 0 ? "a" : "b");
			if (dev[0] == '\0')
				continue;
			if (e == 1 && strcmp(dev, cfg->links[i].dev[0]) == 0)
				cfg_error(&dn, "device \"%s\" is also this link's a", dev);
			for (size_t j = 0; j < i; j++)
				for (int f = 0; f < 2; f++)
					if (strcmp(dev, cfg->links[j].dev[f]) == 0)
						cfg_error(&dn,
						          "device \"%s\" already used by "
						          "links[%zu].%s",
						          dev, j, f == 0 ? "a" : "b");
		}
	}
	cfg_errors_sort(errs, errs_before);
	if (cfg_doc_error_count(doc) > 0 || cfg_errors_count(errs) > errs_before) {
		free(cfg);
		return NULL;
	}
	return cfg;
}

struct wanem_config *wanem_config_load(const char *path, struct cfg_errors *errs)
{
	unsigned int before = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load(path, errs);
	struct wanem_config *cfg;

	if (doc == NULL)
		return NULL;
	cfg = load(doc, errs, before);
	cfg_doc_free(doc);
	return cfg;
}

struct wanem_config *wanem_config_load_buffer(const char *name, const char *text, size_t len,
                                              struct cfg_errors *errs)
{
	unsigned int before = cfg_errors_count(errs);
	struct cfg_doc *doc = cfg_doc_load_buffer(name, text, len, errs);
	struct wanem_config *cfg;

	if (doc == NULL)
		return NULL;
	cfg = load(doc, errs, before);
	cfg_doc_free(doc);
	return cfg;
}

void wanem_config_free(struct wanem_config *cfg)
{
	free(cfg);
}

int wanem_config_find_link(const struct wanem_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->n_links; i++)
		if (strcmp(cfg->links[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- control channel: one key from text ---- */

const char *const wanem_config_set_keys[] = {"rate_mbps",
                                             "burst_bytes",
                                             "queue_bytes",
                                             "delay_ms",
                                             "jitter_ms",
                                             "jitter_distribution",
                                             "jitter_keeps_order",
                                             "loss",
                                             "loss_model",
                                             "ge_p",
                                             "ge_r",
                                             "loss_bad",
                                             "loss_good",
                                             "duplicate",
                                             "reorder",
                                             "reorder_delay_ms",
                                             "mtu",
                                             "mtu_action",
                                             "down",
                                             NULL};

static int text_number(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v >= min && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

/* An integer in [min, max], or 0 when zero_ok. */
static int text_uint(const char *s, double min, double max, bool zero_ok, uint32_t *out)
{
	double x;

	if (text_number(s, 0, max, &x) != 0 || x != floor(x) || (x < min && !(zero_ok && x == 0)))
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static int text_enum(const char *s, const char *const *names)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int text_bool(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcmp(s, "on") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0 || strcmp(s, "off") == 0)
		return 0;
	return -1;
}

int wanem_config_set_key(struct wanem_cfg_dir *d, const char *key, const char *value,
                         const char **why)
{
	struct wanem_cfg_dir nd = *d;
	const char *msg = NULL;
	double x;
	int e;

	if (key == NULL || value == NULL) {
		msg = "usage: KEY VALUE";
	} else if (strcmp(key, "rate_mbps") == 0) {
		if (text_number(value, 0, WANEM_CFG_MAX_RATE_MBPS, &nd.rate_mbps) != 0)
			msg = "rate_mbps: a number 0 (unlimited) .. 1000000";
	} else if (strcmp(key, "burst_bytes") == 0) {
		if (text_uint(value, 0, 1u << 30, true, &nd.burst_bytes) != 0)
			msg = "burst_bytes: an integer 0..1073741824";
	} else if (strcmp(key, "queue_bytes") == 0) {
		if (text_uint(value, WANEM_MIN_QUEUE_BYTES, WANEM_CFG_MAX_QUEUE_BYTES, true,
		              &nd.queue_bytes) != 0)
			msg = "queue_bytes: an integer 1518..1073741824, or 0 for 100 ms at the "
			      "rate";
	} else if (strcmp(key, "mtu") == 0) {
		if (text_uint(value, 68, 65535, true, &nd.mtu) != 0)
			msg = "mtu: an integer 68..65535, or 0 for no check";
	} else if (strcmp(key, "delay_ms") == 0 || strcmp(key, "jitter_ms") == 0 ||
	           strcmp(key, "reorder_delay_ms") == 0) {
		if (text_number(value, 0, WANEM_CFG_MAX_DELAY_MS, &x) == 0) {
			if (key[0] == 'd')
				nd.delay_ms = x;
			else if (key[0] == 'j')
				nd.jitter_ms = x;
			else
				nd.reorder_delay_ms = x;
		} else {
			msg = "delay_ms, jitter_ms, reorder_delay_ms: a number 0..10000";
		}
	} else if (strcmp(key, "jitter_distribution") == 0) {
		if ((e = text_enum(value, jitter_dists)) >= 0)
			nd.jitter_distribution = (enum wanem_cfg_jitter_dist)e;
		else
			msg = "jitter_distribution: uniform, normal";
	} else if (strcmp(key, "mtu_action") == 0) {
		if ((e = text_enum(value, mtu_actions)) >= 0)
			nd.mtu_action = (enum wanem_cfg_mtu_action)e;
		else
			msg = "mtu_action: drop, icmp";
	} else if (strcmp(key, "loss_model") == 0) {
		if ((e = text_enum(value, loss_models)) >= 0)
			nd.loss_model = (enum wanem_cfg_loss_model)e;
		else
			msg = "loss_model: random, gilbert_elliott";
	} else if (strcmp(key, "jitter_keeps_order") == 0 || strcmp(key, "down") == 0) {
		if ((e = text_bool(value)) >= 0) {
			if (key[0] == 'j')
				nd.jitter_keeps_order = e;
			else
				nd.down = e;
		} else {
			msg = "jitter_keeps_order, down: true, false";
		}
	} else if (strcmp(key, "loss") == 0 || strcmp(key, "ge_p") == 0 ||
	           strcmp(key, "ge_r") == 0 || strcmp(key, "loss_bad") == 0 ||
	           strcmp(key, "loss_good") == 0 || strcmp(key, "duplicate") == 0 ||
	           strcmp(key, "reorder") == 0) {
		if (text_number(value, 0, 1, &x) == 0) {
			if (strcmp(key, "loss") == 0) {
				nd.loss = x;
				nd.loss_model = WANEM_CFG_LOSS_RANDOM;
			} else if (strcmp(key, "ge_p") == 0) {
				nd.ge_p = x;
				nd.loss_model = WANEM_CFG_LOSS_GILBERT_ELLIOTT;
			} else if (strcmp(key, "ge_r") == 0) {
				nd.ge_r = x;
				nd.loss_model = WANEM_CFG_LOSS_GILBERT_ELLIOTT;
			} else if (strcmp(key, "loss_bad") == 0) {
				nd.loss_bad = x;
			} else if (strcmp(key, "loss_good") == 0) {
				nd.loss_good = x;
			} else if (strcmp(key, "duplicate") == 0) {
				nd.duplicate = x;
			} else {
				nd.reorder = x;
			}
		} else {
			msg = "loss, ge_p, ge_r, loss_bad, loss_good, duplicate, reorder: 0..1";
		}
	} else {
		msg = "unknown key (allowed: rate_mbps burst_bytes queue_bytes delay_ms jitter_ms "
		      "jitter_distribution jitter_keeps_order loss loss_model ge_p ge_r loss_bad "
		      "loss_good duplicate reorder reorder_delay_ms mtu mtu_action down)";
	}
	if (msg == NULL)
		msg = wanem_cfg_dir_check(&nd);
	if (msg == NULL)
		*d = nd;
	if (why != NULL)
		*why = msg;
	return msg == NULL ? 0 : -EINVAL;
}
