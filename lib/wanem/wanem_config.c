/* SPDX-License-Identifier: BSD-3-Clause */
#include "wanem_config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_MS     1000.0
#define BPS_PER_MBPS  1e6
#define MAX_RATE_MBPS 1e6 /* 1 Tbit/s, WANEM_MAX_RATE_BPS */
#define MAX_DELAY_MS  10000.0
#define MIN(a, b)     ((a) < (b) ? (a) : (b))
#define MAX(a, b)     ((a) > (b) ? (a) : (b))

static const char *const jitter_dists[] = {"uniform", "normal", NULL};
static const char *const mtu_actions[] = {"drop", "icmp", NULL};
static const char *const loss_models[] = {"random", "gilbert_elliott", NULL};

const char *wanem_dir_name(enum wanem_dir d)
{
	return d == WANEM_A2B ? "a2b" : d == WANEM_B2A ? "b2a" : NULL;
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

static uint32_t ms_to_us(double ms)
{
	return (uint32_t)llround(ms * US_PER_MS);
}

/*
 * Apply the keys present in the impairment object n onto d. *queue_set records whether
 * queue_bytes was given (else a default follows the rate).
 */
static void parse_impairment(const struct cfg_node *n, struct wanem_cfg_dir *d, bool *queue_set)
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
	struct wanem_params *p = &d->params;
	struct cfg_node m;
	double x;
	int e;

	if (!cfg_node_object(n, keys))
		return;
	x = -1;
	if (get_number(n, "rate_mbps", 0, MAX_RATE_MBPS, &x) && x >= 0)
		p->rate_bps = (uint64_t)llround(x * BPS_PER_MBPS);
	cfg_get_u32(n, "burst_bytes", CFG_OPTIONAL, 0, 1u << 30, p->burst_bytes, &p->burst_bytes);
	m = cfg_member(n, "queue_bytes");
	if (cfg_present(&m)) {
		*queue_set = true;
		cfg_get_u32(n, "queue_bytes", CFG_OPTIONAL, WANEM_MIN_QUEUE_BYTES, 1u << 30,
		            p->queue_bytes, &p->queue_bytes);
	}
	x = -1;
	if (get_number(n, "delay_ms", 0, MAX_DELAY_MS, &x) && x >= 0)
		p->delay_us = ms_to_us(x);
	x = -1;
	if (get_number(n, "jitter_ms", 0, MAX_DELAY_MS, &x) && x >= 0)
		p->jitter_us = ms_to_us(x);
	e = (int)p->jitter_dist;
	cfg_get_enum(n, "jitter_distribution", CFG_OPTIONAL, jitter_dists, e, &e);
	p->jitter_dist = (enum wanem_jitter_dist)e;
	cfg_get_bool(n, "jitter_keeps_order", CFG_OPTIONAL, p->jitter_keeps_order,
	             &p->jitter_keeps_order);

	m = cfg_member(n, "loss");
	if (cfg_present(&m) && json_is_object(m.json)) {
		/* Gilbert-Elliott: {"p": .., "r": .., "loss_bad": 1, "loss_good": 0} */
		struct cfg_node gp;
		cfg_node_object(&m, ge_keys);
		p->loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
		if (cfg_require(&m, "p", &gp))
			get_number(&m, "p", 0, 1, &p->ge_p);
		if (cfg_require(&m, "r", &gp))
			get_number(&m, "r", 0, 1, &p->ge_r);
		get_number(&m, "loss_bad", 0, 1, &p->loss_bad);
		get_number(&m, "loss_good", 0, 1, &p->loss_good);
	} else if (cfg_present(&m)) {
		char found[64];
		if (json_is_number(m.json)) {
			if (get_number(n, "loss", 0, 1, &p->loss))
				p->loss_model = WANEM_LOSS_RANDOM;
		} else {
			cfg_error(&m,
			          "expected a probability 0..1 or a Gilbert-Elliott object "
			          "{\"p\", \"r\", \"loss_bad\", \"loss_good\"}, found %s",
			          cfg_describe(m.json, found, sizeof(found)));
		}
	}
	get_number(n, "duplicate", 0, 1, &p->duplicate);
	get_number(n, "reorder", 0, 1, &p->reorder);
	x = -1;
	if (get_number(n, "reorder_delay_ms", 0, MAX_DELAY_MS, &x) && x >= 0)
		p->reorder_delay_us = ms_to_us(x);
	cfg_get_u32(n, "mtu", CFG_OPTIONAL, 68, 65535, p->mtu, &p->mtu);
	e = (int)p->mtu_action;
	cfg_get_enum(n, "mtu_action", CFG_OPTIONAL, mtu_actions, e, &e);
	p->mtu_action = (enum wanem_mtu_action)e;
	m = cfg_member(n, "icmp_source");
	if (cfg_present(&m))
		cfg_node_ipv4(&m, &d->icmp_source);
	cfg_get_bool(n, "down", CFG_OPTIONAL, p->down, &p->down);
	cfg_get_u32(n, "max_packets", CFG_OPTIONAL, 1, WANEM_MAX_PACKETS_LIMIT, p->max_packets,
	            &p->max_packets);
	cfg_get_u64(n, "seed", CFG_OPTIONAL, 0, UINT64_MAX / 4, p->seed, &p->seed);
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
	bool common_queue_set = false;
	memset(&common, 0, sizeof(common));
	wanem_params_init(&common.params);
	common.params.jitter_keeps_order = true;
	common.params.seed = idx + 1;
	both = cfg_member(n, "both");
	if (cfg_present(&both))
		parse_impairment(&both, &common, &common_queue_set);
	for (int d = 0; d < WANEM_NB_DIRS; d++) {
		struct wanem_cfg_dir *dir = &l->dir[d];
		bool queue_set = common_queue_set;
		const char *why;

		*dir = common;
		own = cfg_member(n, wanem_dir_name(d));
		if (cfg_present(&own))
			parse_impairment(&own, dir, &queue_set);
		/* each direction its own stream, still a function of the configured seed */
		dir->params.seed = dir->params.seed * 2 + (uint64_t)d;
		if (!queue_set && dir->params.rate_bps != 0) {
			uint64_t q = dir->params.rate_bps / 8 * WANEM_CFG_DEFAULT_QUEUE_MS / 1000;
			dir->params.queue_bytes =
			        (uint32_t)MIN(MAX(q, (uint64_t)WANEM_CFG_MIN_DEFAULT_QUEUE),
			                      (uint64_t)(1u << 30));
		}
		/*
		 * Cross-key checks (jitter <= delay, ...) only when this link's keys all parsed:
		 * a key that failed holds its default and would cause a misleading second error.
		 * Errors in other links do not hide this one's, so one run reports them all.
		 */
		if (cfg_doc_error_count(n->doc) == errors_before &&
		    wanem_params_check(&dir->params, &why)) {
			const struct cfg_node *at = cfg_present(&own) ? &own : &both;
			if (dir->params.jitter_us > dir->params.delay_us)
				why = "jitter_ms larger than delay_ms (allowed: jitter_ms <= "
				      "delay_ms, "
				      "a packet cannot leave before it arrived)";
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

int wanem_config_set_key(struct wanem_params *p, const char *key, const char *value,
                         const char **why)
{
	struct wanem_params np = *p;
	const char *msg = NULL;
	double x;
	int e;

	if (key == NULL || value == NULL) {
		msg = "usage: KEY VALUE";
	} else if (strcmp(key, "rate_mbps") == 0) {
		if (text_number(value, 0, MAX_RATE_MBPS, &x) == 0) {
			np.rate_bps = (uint64_t)llround(x * BPS_PER_MBPS);
			/* keep a usable FIFO when a rate is set on an unlimited link */
			if (np.rate_bps != 0 && np.queue_bytes < WANEM_MIN_QUEUE_BYTES) {
				uint64_t q = np.rate_bps / 8 * WANEM_CFG_DEFAULT_QUEUE_MS / 1000;
				np.queue_bytes = (uint32_t)(q < WANEM_CFG_MIN_DEFAULT_QUEUE
				                                    ? WANEM_CFG_MIN_DEFAULT_QUEUE
				                            : q > (1u << 30) ? (1u << 30)
				                                             : q);
			}
		} else {
			msg = "rate_mbps: a number 0 (unlimited) .. 1000000";
		}
	} else if (strcmp(key, "burst_bytes") == 0 || strcmp(key, "queue_bytes") == 0 ||
	           strcmp(key, "mtu") == 0) {
		if (text_number(value, 0, 1u << 30, &x) == 0 && x == floor(x)) {
			if (key[0] == 'b')
				np.burst_bytes = (uint32_t)x;
			else if (key[0] == 'q')
				np.queue_bytes = (uint32_t)x;
			else
				np.mtu = (uint32_t)x;
		} else {
			msg = "burst_bytes, queue_bytes, mtu: an integer";
		}
	} else if (strcmp(key, "delay_ms") == 0 || strcmp(key, "jitter_ms") == 0 ||
	           strcmp(key, "reorder_delay_ms") == 0) {
		if (text_number(value, 0, MAX_DELAY_MS, &x) == 0) {
			if (key[0] == 'd')
				np.delay_us = ms_to_us(x);
			else if (key[0] == 'j')
				np.jitter_us = ms_to_us(x);
			else
				np.reorder_delay_us = ms_to_us(x);
		} else {
			msg = "delay_ms, jitter_ms, reorder_delay_ms: a number 0..10000";
		}
	} else if (strcmp(key, "jitter_distribution") == 0) {
		if ((e = text_enum(value, jitter_dists)) >= 0)
			np.jitter_dist = (enum wanem_jitter_dist)e;
		else
			msg = "jitter_distribution: uniform, normal";
	} else if (strcmp(key, "mtu_action") == 0) {
		if ((e = text_enum(value, mtu_actions)) >= 0)
			np.mtu_action = (enum wanem_mtu_action)e;
		else
			msg = "mtu_action: drop, icmp";
	} else if (strcmp(key, "loss_model") == 0) {
		if ((e = text_enum(value, loss_models)) >= 0)
			np.loss_model = (enum wanem_loss_model)e;
		else
			msg = "loss_model: random, gilbert_elliott";
	} else if (strcmp(key, "jitter_keeps_order") == 0 || strcmp(key, "down") == 0) {
		if ((e = text_bool(value)) >= 0) {
			if (key[0] == 'j')
				np.jitter_keeps_order = e;
			else
				np.down = e;
		} else {
			msg = "jitter_keeps_order, down: true, false";
		}
	} else if (strcmp(key, "loss") == 0 || strcmp(key, "ge_p") == 0 ||
	           strcmp(key, "ge_r") == 0 || strcmp(key, "loss_bad") == 0 ||
	           strcmp(key, "loss_good") == 0 || strcmp(key, "duplicate") == 0 ||
	           strcmp(key, "reorder") == 0) {
		if (text_number(value, 0, 1, &x) == 0) {
			if (strcmp(key, "loss") == 0) {
				np.loss = x;
				np.loss_model = WANEM_LOSS_RANDOM;
			} else if (strcmp(key, "ge_p") == 0) {
				np.ge_p = x;
				np.loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
			} else if (strcmp(key, "ge_r") == 0) {
				np.ge_r = x;
				np.loss_model = WANEM_LOSS_GILBERT_ELLIOTT;
			} else if (strcmp(key, "loss_bad") == 0) {
				np.loss_bad = x;
			} else if (strcmp(key, "loss_good") == 0) {
				np.loss_good = x;
			} else if (strcmp(key, "duplicate") == 0) {
				np.duplicate = x;
			} else {
				np.reorder = x;
			}
		} else {
			msg = "loss, ge_p, ge_r, loss_bad, loss_good, duplicate, reorder: 0..1";
		}
	} else {
		msg = "unknown key (allowed: rate_mbps burst_bytes queue_bytes delay_ms jitter_ms "
		      "jitter_distribution jitter_keeps_order loss loss_model ge_p ge_r loss_bad "
		      "loss_good duplicate reorder reorder_delay_ms mtu mtu_action down)";
	}
	if (msg == NULL && wanem_params_check(&np, &msg) == 0)
		*p = np;
	if (why != NULL)
		*why = msg;
	return msg == NULL ? 0 : -EINVAL;
}
