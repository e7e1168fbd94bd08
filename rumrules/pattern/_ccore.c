/* rumrules.pattern._ccore: the optional compiled matching core.
 *
 * It does what rumrules/pattern/_index.py's Bits.match_doc and Index.find_ordered do for
 * the common case (an event whose objects on the patterns' paths are plain dicts with no
 * dotted key, one value per path), in C: read the event (a dict as it is; text through the
 * fast parser that _events.py uses, after the same scan for long numbers), walk the objects
 * along the paths the patterns use, AND the bits of each value into the answer, and turn
 * the answer's bits into the pattern numbers.
 *
 * The pure-Python path is the reference.  The plan this module walks is made by
 * rumrules/pattern/_core.py from the Bits index, and checked here, shape by shape, when it
 * is built.  Anything the C core does not know (a list on a path, a dotted key, a number a
 * double may not hold, a Decimal, a subclass, an error raised by a callback, ...) makes
 * find() return None: the caller then takes the Python path, which gives the answer (or
 * raises the error).  So the C core never answers differently; at worst it answers nothing.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>
#include <stdint.h>

#define MIN_NORMAL 2.2250738585072014e-308
#define EXACT_INT 9007199254740992LL   /* 2^53 */
#define MAX_DEPTH 200

enum { PROBE_NONE = 0, PROBE_C = 1, PROBE_PY = 2 };

typedef struct CNode CNode;

typedef struct {
    PyObject *key;        /* str */
    const char *kbytes;   /* its UTF-8 (owned by key), NULL when it has none */
    Py_ssize_t klen;
    int has_leaf;
    /* masks are bytes objects: the bits as little-endian 64-bit words, the same number of
     * words in every mask of a plan */
    PyObject *fast;       /* dict str -> mask (a strings-only group), or NULL */
    PyObject *free;       /* mask: the bits of the alternatives that do not test the path */
    PyObject *absent;     /* mask: when an object sits at the path */
    int probe;
    PyObject *py_probe;   /* PROBE_PY: callable(value, free) -> int (Group.bits_of) */
    PyObject *free_int;   /* PROBE_PY: free as the int bits_of takes */
    PyObject *strings;    /* PROBE_C: dict str -> mask, or NULL */
    PyObject *numbers;    /* PROBE_C: dict float -> mask, or NULL */
    PyObject *trues, *falses, *nulls;   /* PROBE_C: mask or NULL */
    Py_ssize_t nbounds;   /* PROBE_C: sorted range boundaries and their 2n+1 cells */
    double *bounds;
    PyObject **cells;     /* each a mask or NULL */
    CNode *inner;         /* the keys below, or NULL */
    PyObject *missing;    /* mask: when the key is absent */
    PyObject *below;      /* mask: when the key holds a value that is no object */
} Entry;

struct CNode {
    Py_ssize_t n;
    Entry *entries;
};

typedef struct {
    PyObject_HEAD
    CNode *root;
    PyObject *all;        /* mask: every bit */
    Py_ssize_t words;     /* 64-bit words per mask */
    PyObject *names;      /* tuple: the name of each bit */
    int simple;           /* names ascend with the bits */
    Py_ssize_t nnodes;
} PlanObject;

/* counters, for the tests that prove the C path is taken (the GIL guards them) */
static unsigned long long st_events, st_fallbacks, st_c_probes, st_py_probes, st_text;
static PyObject *fast_holder = NULL;   /* a list whose item 0 is the fast loads or None */
static PyObject *zero = NULL;
/* the words per mask of the plan being built (a build runs no Python code: no other
 * thread can start one meanwhile) */
static Py_ssize_t build_words = 0;

/* ---------------------------------------------------------------- plan building ------ */

static void free_node(CNode *node);

static void clear_entry(Entry *e) {
    Py_CLEAR(e->key);
    Py_CLEAR(e->fast);
    Py_CLEAR(e->free);
    Py_CLEAR(e->absent);
    Py_CLEAR(e->py_probe);
    Py_CLEAR(e->free_int);
    Py_CLEAR(e->strings);
    Py_CLEAR(e->numbers);
    Py_CLEAR(e->trues);
    Py_CLEAR(e->falses);
    Py_CLEAR(e->nulls);
    if (e->cells) {
        for (Py_ssize_t i = 0; i < 2 * e->nbounds + 1; i++)
            Py_XDECREF(e->cells[i]);
        PyMem_Free(e->cells);
        e->cells = NULL;
    }
    if (e->bounds) {
        PyMem_Free(e->bounds);
        e->bounds = NULL;
    }
    if (e->inner) {
        free_node(e->inner);
        e->inner = NULL;
    }
    Py_CLEAR(e->missing);
    Py_CLEAR(e->below);
}

static void free_node(CNode *node) {
    if (!node)
        return;
    if (node->entries) {
        for (Py_ssize_t i = 0; i < node->n; i++)
            clear_entry(&node->entries[i]);
        PyMem_Free(node->entries);
    }
    PyMem_Free(node);
}

static int bad(const char *what) {
    PyErr_Format(PyExc_TypeError, "_ccore plan: %s", what);
    return -1;
}

/* the bits of a non-negative int as a bytes mask of build_words little-endian words */
static PyObject *to_words(PyObject *o, Py_ssize_t words) {
    if (!PyLong_CheckExact(o)) {
        bad("a mask is an int");
        return NULL;
    }
    int neg = PyObject_RichCompareBool(o, zero, Py_LT);
    if (neg != 0) {
        if (neg > 0)
            bad("a mask is not negative");
        return NULL;
    }
    /* OverflowError when it does not fit in the plan's bits */
    return PyObject_CallMethod(o, "to_bytes", "ns", words * 8, "little");
}

static int take_mask(PyObject *o, PyObject **out, const char *what) {
    PyObject *b = to_words(o, build_words);
    if (!b || !PyBytes_CheckExact(b) || PyBytes_GET_SIZE(b) != build_words * 8) {
        Py_XDECREF(b);
        return PyErr_Occurred() ? -1 : bad(what);
    }
    *out = b;
    return 0;
}

/* a mask, or NULL when it is zero */
static int take_opt_mask(PyObject *o, PyObject **out, const char *what) {
    int t = PyObject_IsTrue(o);
    if (t < 0)
        return -1;
    if (take_mask(o, out, what) < 0)
        return -1;
    if (!t)
        Py_CLEAR(*out);
    return 0;
}

/* a dict whose values are masks; keys of type key_type (exact) */
static int take_table(PyObject *o, PyObject **out, PyTypeObject *key_type, const char *what) {
    if (o == Py_None) {
        *out = NULL;
        return 0;
    }
    if (!PyDict_CheckExact(o))
        return bad(what);
    PyObject *k, *v, *table = PyDict_New();
    Py_ssize_t pos = 0;
    if (!table)
        return -1;
    while (PyDict_Next(o, &pos, &k, &v)) {
        PyObject *mask = NULL;
        if (Py_TYPE(k) != key_type || take_mask(v, &mask, what) < 0) {
            Py_DECREF(table);
            return PyErr_Occurred() ? -1 : bad(what);
        }
        int st = PyDict_SetItem(table, k, mask);
        Py_DECREF(mask);
        if (st < 0) {
            Py_DECREF(table);
            return -1;
        }
    }
    *out = table;
    return 0;
}

static CNode *build_node(PyObject *spec, int depth, Py_ssize_t *nnodes);

static int build_probe(Entry *e, PyObject *probe) {
    if (probe == Py_None) {
        if (!e->fast)
            return bad("a leaf with neither a fast table nor a probe");
        e->probe = PROBE_NONE;
        return 0;
    }
    if (!PyTuple_CheckExact(probe) || PyTuple_GET_SIZE(probe) < 2 ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(probe, 0)))
        return bad("a probe is a tuple (kind, ...)");
    PyObject *kind = PyTuple_GET_ITEM(probe, 0);
    if (PyUnicode_CompareWithASCIIString(kind, "py") == 0) {
        if (PyTuple_GET_SIZE(probe) != 2 || !PyCallable_Check(PyTuple_GET_ITEM(probe, 1)))
            return bad("a py probe is ('py', callable)");
        e->probe = PROBE_PY;
        e->py_probe = PyTuple_GET_ITEM(probe, 1);
        Py_INCREF(e->py_probe);
        return 0;
    }
    if (PyUnicode_CompareWithASCIIString(kind, "c") != 0 || PyTuple_GET_SIZE(probe) != 8)
        return bad("a c probe is ('c', strings, numbers, trues, falses, nulls, bounds, cells)");
    e->probe = PROBE_C;
    if (take_table(PyTuple_GET_ITEM(probe, 1), &e->strings, &PyUnicode_Type, "strings") < 0 ||
        take_table(PyTuple_GET_ITEM(probe, 2), &e->numbers, &PyFloat_Type, "numbers") < 0 ||
        take_opt_mask(PyTuple_GET_ITEM(probe, 3), &e->trues, "trues") < 0 ||
        take_opt_mask(PyTuple_GET_ITEM(probe, 4), &e->falses, "falses") < 0 ||
        take_opt_mask(PyTuple_GET_ITEM(probe, 5), &e->nulls, "nulls") < 0)
        return -1;
    PyObject *bounds = PyTuple_GET_ITEM(probe, 6), *cells = PyTuple_GET_ITEM(probe, 7);
    if (!PyTuple_CheckExact(bounds) || !PyTuple_CheckExact(cells))
        return bad("bounds and cells are tuples");
    Py_ssize_t nb = PyTuple_GET_SIZE(bounds);
    if (nb == 0) {
        if (PyTuple_GET_SIZE(cells) != 0)
            return bad("cells without bounds");
        return 0;
    }
    if (PyTuple_GET_SIZE(cells) != 2 * nb + 1)
        return bad("2n+1 cells for n bounds");
    e->bounds = PyMem_Calloc(nb, sizeof(double));
    e->cells = PyMem_Calloc(2 * nb + 1, sizeof(PyObject *));
    if (!e->bounds || !e->cells) {
        PyErr_NoMemory();
        return -1;
    }
    e->nbounds = nb;
    for (Py_ssize_t i = 0; i < nb; i++) {
        PyObject *b = PyTuple_GET_ITEM(bounds, i);
        if (!PyFloat_CheckExact(b))
            return bad("a bound is a float");
        double d = PyFloat_AS_DOUBLE(b);
        if (!isfinite(d) || (i && !(e->bounds[i - 1] < d)))
            return bad("bounds are finite and ascending");
        e->bounds[i] = d;
    }
    for (Py_ssize_t i = 0; i < 2 * nb + 1; i++) {
        if (take_opt_mask(PyTuple_GET_ITEM(cells, i), &e->cells[i], "a cell is a mask") < 0)
            return -1;
    }
    return 0;
}

/* entry spec: (key, leaf, inner, missing, below); leaf: None or (fast, free, absent, probe) */
static int build_entry(Entry *e, PyObject *spec, int depth, Py_ssize_t *nnodes) {
    if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != 5)
        return bad("an entry is (key, leaf, inner, missing, below)");
    PyObject *key = PyTuple_GET_ITEM(spec, 0);
    if (!PyUnicode_CheckExact(key))
        return bad("a key is a str");
    Py_INCREF(key);
    e->key = key;
    if (PyObject_Hash(key) == -1)
        return -1;
    e->kbytes = PyUnicode_AsUTF8AndSize(key, &e->klen);
    if (!e->kbytes)
        PyErr_Clear();   /* a lone surrogate: the text reader leaves such plans alone */
    PyObject *leaf = PyTuple_GET_ITEM(spec, 1);
    if (leaf != Py_None) {
        if (!PyTuple_CheckExact(leaf) || PyTuple_GET_SIZE(leaf) != 4)
            return bad("a leaf is (fast, free, absent, probe)");
        e->has_leaf = 1;
        if (take_table(PyTuple_GET_ITEM(leaf, 0), &e->fast, &PyUnicode_Type, "fast") < 0 ||
            take_mask(PyTuple_GET_ITEM(leaf, 1), &e->free, "free") < 0 ||
            !(e->free_int = Py_NewRef(PyTuple_GET_ITEM(leaf, 1))) ||
            take_mask(PyTuple_GET_ITEM(leaf, 2), &e->absent, "absent") < 0 ||
            build_probe(e, PyTuple_GET_ITEM(leaf, 3)) < 0)
            return -1;
    }
    PyObject *inner = PyTuple_GET_ITEM(spec, 2);
    if (inner != Py_None) {
        e->inner = build_node(inner, depth + 1, nnodes);
        if (!e->inner)
            return -1;
    }
    if (take_mask(PyTuple_GET_ITEM(spec, 3), &e->missing, "missing") < 0 ||
        take_mask(PyTuple_GET_ITEM(spec, 4), &e->below, "below") < 0)
        return -1;
    return 0;
}

static CNode *build_node(PyObject *spec, int depth, Py_ssize_t *nnodes) {
    if (depth > MAX_DEPTH) {
        bad("too deep");
        return NULL;
    }
    if (!PyTuple_CheckExact(spec)) {
        bad("a node is a tuple of entries");
        return NULL;
    }
    CNode *node = PyMem_Calloc(1, sizeof(CNode));
    if (!node) {
        PyErr_NoMemory();
        return NULL;
    }
    (*nnodes)++;
    Py_ssize_t n = PyTuple_GET_SIZE(spec);
    node->entries = PyMem_Calloc(n ? n : 1, sizeof(Entry));
    if (!node->entries) {
        PyMem_Free(node);
        PyErr_NoMemory();
        return NULL;
    }
    node->n = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (build_entry(&node->entries[i], PyTuple_GET_ITEM(spec, i), depth, nnodes) < 0) {
            free_node(node);
            return NULL;
        }
    }
    return node;
}

static void Plan_dealloc(PlanObject *self) {
    free_node(self->root);
    Py_XDECREF(self->all);
    Py_XDECREF(self->names);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the one positional argument of a type's constructor: a tuple of ``size`` items (borrowed),
 * else NULL with the error set */
static PyObject *the_spec(PyObject *args, PyObject *kwds, const char *type_name,
                          Py_ssize_t size, const char *shape) {
    PyObject *spec;
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_Format(PyExc_TypeError, "%s takes no keyword arguments", type_name);
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O", &spec))
        return NULL;
    if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != size) {
        bad(shape);
        return NULL;
    }
    return spec;
}

/* Plan((root, all, names, simple)) */
static PyObject *Plan_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *spec = the_spec(args, kwds, "Plan", 4, "a plan is (root, all, names, simple)");
    if (!spec)
        return NULL;
    PlanObject *self = (PlanObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    PyObject *names = PyTuple_GET_ITEM(spec, 2);
    {
        const uint16_t probe = 1;
        if (*(const unsigned char *)&probe != 1) {
            bad("a little-endian machine");   /* the masks' words are little-endian */
            goto fail;
        }
    }
    if (!PyTuple_CheckExact(names)) {
        bad("names is a tuple");
        goto fail;
    }
    self->words = (PyTuple_GET_SIZE(names) + 63) / 64;
    if (self->words < 1)
        self->words = 1;
    build_words = self->words;
    Py_INCREF(names);
    self->names = names;
    /* every mask fits in the names' bits: all == 2**len(names) - 1 */
    {
        PyObject *len = PyLong_FromSsize_t(PyTuple_GET_SIZE(names));
        PyObject *one = PyLong_FromLong(1);
        PyObject *top = (len && one) ? PyNumber_Lshift(one, len) : NULL;
        PyObject *want = top ? PyNumber_Subtract(top, one) : NULL;
        int eq = want ? PyObject_RichCompareBool(want, PyTuple_GET_ITEM(spec, 1), Py_EQ) : -1;
        Py_XDECREF(len);
        Py_XDECREF(one);
        Py_XDECREF(top);
        Py_XDECREF(want);
        if (eq < 0)
            goto fail;
        if (!eq) {
            bad("all is one bit per name");
            goto fail;
        }
    }
    if (take_mask(PyTuple_GET_ITEM(spec, 1), &self->all, "all") < 0)
        goto fail;
    int simple = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 3));
    if (simple < 0)
        goto fail;
    self->simple = simple;
    self->root = build_node(PyTuple_GET_ITEM(spec, 0), 0, &self->nnodes);
    if (!self->root)
        goto fail;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static PyTypeObject PlanType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rumrules.pattern._ccore.Plan",
    .tp_doc = "A Bits index as the C core walks it (made by rumrules.pattern._core).",
    .tp_basicsize = sizeof(PlanObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Plan_new,
    .tp_dealloc = (destructor)Plan_dealloc,
};

/* ---------------------------------------------------------------- matching ------------ */

/* status codes of the walk */
#define OK 0
#define FALLBACK 1   /* the Python path must answer (an error may be set: it is cleared) */

/* The answer so far (m) and a scratch mask (tmp), both of w words. */
typedef struct {
    uint64_t *m;
    uint64_t *tmp;
    Py_ssize_t w;
} Acc;

static inline uint64_t word_at(const char *p, Py_ssize_t i) {
    uint64_t x;
    memcpy(&x, p + 8 * i, 8);
    return x;
}

/* m &= x (a bytes mask of the plan) */
static inline int and_in(Acc *a, PyObject *x) {
    const char *p = PyBytes_AS_STRING(x);
    for (Py_ssize_t i = 0; i < a->w; i++)
        a->m[i] &= word_at(p, i);
    return OK;
}

/* tmp |= x (x may be NULL: nothing) */
static inline int or_in(Acc *a, PyObject *x) {
    if (!x)
        return OK;
    const char *p = PyBytes_AS_STRING(x);
    for (Py_ssize_t i = 0; i < a->w; i++)
        a->tmp[i] |= word_at(p, i);
    return OK;
}

static inline void set_tmp(Acc *a, PyObject *x) {
    memcpy(a->tmp, PyBytes_AS_STRING(x), (size_t)a->w * 8);
}

/* m &= tmp */
static inline void and_tmp(Acc *a) {
    for (Py_ssize_t i = 0; i < a->w; i++)
        a->m[i] &= a->tmp[i];
}

static inline int is_zero(Acc *a) {
    for (Py_ssize_t i = 0; i < a->w; i++)
        if (a->m[i])
            return 0;
    return 1;
}

/* a table lookup: borrowed, NULL when absent (an error makes *err set) */
static PyObject *lookup(PyObject *table, PyObject *key, int *err) {
    if (!table)
        return NULL;
    PyObject *hit = PyDict_GetItemWithError(table, key);
    if (!hit && PyErr_Occurred())
        *err = 1;
    return hit;
}

/* The double a number value compares as (event_number), for the values that reach it:
 * exact ints within 2^53 and finite floats that are neither zero-ish (not exact) nor
 * subnormal.  The walk has already sent every other number to the Python path. */
static double number_of(PyObject *v) {
    if (PyLong_CheckExact(v))
        return (double)PyLong_AsLongLong(v);
    double d = PyFloat_AS_DOUBLE(v);
    return d + 0.0;   /* -0.0 -> 0.0 */
}

/* m &= the mask of a PROBE_C leaf for value v: free | the bits of the edges v satisfies */
static int probe_c(Entry *e, PyObject *v, Acc *a) {
    int err = 0;
    set_tmp(a, e->free);
    if (PyUnicode_CheckExact(v)) {
        or_in(a, lookup(e->strings, v, &err));
        if (err)
            return FALLBACK;
    }
    else if (v == Py_True)
        or_in(a, e->trues);
    else if (v == Py_False)
        or_in(a, e->falses);
    else if (v == Py_None)
        or_in(a, e->nulls);
    else {
        double n = number_of(v);
        if (e->numbers) {
            PyObject *key = PyFloat_FromDouble(n);
            if (!key)
                return FALLBACK;
            PyObject *hit = lookup(e->numbers, key, &err);
            Py_DECREF(key);
            if (err)
                return FALLBACK;
            or_in(a, hit);
        }
        if (e->nbounds) {
            /* bisect_right(bounds, n) */
            Py_ssize_t lo = 0, hi = e->nbounds;
            while (lo < hi) {
                Py_ssize_t mid = (lo + hi) / 2;
                if (n < e->bounds[mid])
                    hi = mid;
                else
                    lo = mid + 1;
            }
            Py_ssize_t cell = (lo && e->bounds[lo - 1] == n) ? 2 * lo - 1 : 2 * lo;
            or_in(a, e->cells[cell]);
        }
    }
    and_tmp(a);
    st_c_probes++;
    return OK;
}

/* m &= Group.bits_of(v, free) */
static int probe_py(Entry *e, PyObject *v, Acc *a) {
    PyObject *r = PyObject_CallFunctionObjArgs(e->py_probe, v, e->free_int, NULL);
    if (!r)
        return FALLBACK;
    PyObject *b = to_words(r, a->w);
    Py_DECREF(r);
    if (!b)
        return FALLBACK;
    if (!PyBytes_CheckExact(b) || PyBytes_GET_SIZE(b) != a->w * 8) {
        Py_DECREF(b);
        return FALLBACK;
    }
    and_in(a, b);
    Py_DECREF(b);
    st_py_probes++;
    return OK;
}

/* Is any key of the dict not an exact str, or a str with a dot? */
static int awkward_keys(PyObject *obj) {
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(obj, &pos, &k, &v)) {
        if (!PyUnicode_CheckExact(k))
            return 1;
        Py_ssize_t len = PyUnicode_GET_LENGTH(k);
        if (PyUnicode_IS_ASCII(k)) {
            if (len && memchr(PyUnicode_1BYTE_DATA(k), '.', (size_t)len))
                return 1;
        }
        else {
            Py_ssize_t at = PyUnicode_FindChar(k, '.', 0, len, 1);
            if (at != -1)
                return 1;   /* found, or an error (-2): the Python path decides */
        }
    }
    return 0;
}

/* m &= what a leaf value (not an object, not an array) at entry e gives, as match_doc does */
static int apply_value(Entry *e, PyObject *v, int exact, Acc *m) {
    if (PyUnicode_CheckExact(v)) {
        if (!e->has_leaf)
            return and_in(m, e->below);
        if (e->fast) {
            int err = 0;
            PyObject *hit = lookup(e->fast, v, &err);
            if (err || and_in(m, hit ? hit : e->free))
                return FALLBACK;
            if (e->inner && and_in(m, e->below))
                return FALLBACK;
            return OK;
        }
    }
    else if (PyLong_CheckExact(v)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || (x == -1 && PyErr_Occurred()) || x > EXACT_INT || x < -EXACT_INT)
            return FALLBACK;   /* big integers: event_number and the length check */
    }
    else if (PyFloat_CheckExact(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        if (!isfinite(d))
            return FALLBACK;
        if (-MIN_NORMAL < d && d < MIN_NORMAL && (!exact || d != 0.0))
            return FALLBACK;   /* zeros read by the fast parser, and subnormals */
    }
    else if (v != Py_True && v != Py_False && v != Py_None) {
        return FALLBACK;       /* lists, tuples, Decimal, NumberText, subclasses, ... */
    }
    if (e->inner && and_in(m, e->below))
        return FALLBACK;
    if (!e->has_leaf)
        return OK;
    if (e->probe == PROBE_NONE)
        return and_in(m, e->free);
    return e->probe == PROBE_C ? probe_c(e, v, m) : probe_py(e, v, m);
}

typedef struct {
    PyObject *obj;
    CNode *node;
} Frame;

/* Bits.match_doc in C: OK with a->m the answer, or FALLBACK */
static int walk(PlanObject *plan, PyObject *doc, int exact, Acc *m) {
    Py_ssize_t cap = plan->nnodes + 1, top = 0;
    Frame *stack = PyMem_Malloc(cap * sizeof(Frame));
    if (!stack)
        return FALLBACK;
    stack[top].obj = doc;   /* borrowed: the document holds every object below it */
    stack[top].node = plan->root;
    top++;
    while (top) {
        top--;
        PyObject *obj = stack[top].obj;
        CNode *node = stack[top].node;
        if (!PyDict_CheckExact(obj) || awkward_keys(obj))
            goto fallback;
        for (Py_ssize_t i = 0; i < node->n; i++) {
            Entry *e = &node->entries[i];
            PyObject *v = PyDict_GetItemWithError(obj, e->key);
            if (!v) {
                if (PyErr_Occurred())
                    goto fallback;
                and_in(m, e->missing);
                continue;
            }
            if (PyDict_CheckExact(v)) {
                if (e->inner) {
                    if (top >= cap)
                        goto fallback;   /* cannot happen: each node is met once */
                    stack[top].obj = v;
                    stack[top].node = e->inner;
                    top++;
                }
                if (e->has_leaf)
                    and_in(m, e->absent);
                continue;
            }
            if (apply_value(e, v, exact, m) != OK)
                goto fallback;
        }
        if (is_zero(m))
            break;
    }
    PyMem_Free(stack);
    return OK;
fallback:
    PyMem_Free(stack);
    return FALLBACK;
}

/* ---------------------------------------------------------------- reading text -------- */
/*
 * Event text is read straight into the walk: only the values on the patterns' paths become
 * Python objects, everything else is validated and skipped.  The reader takes strict JSON
 * only (what both json.loads and orjson accept) and gives up — FALLBACK, then the fast
 * parser or the Python path reads the text and gives the answer or the error — at
 * anything else or anything it does not model: invalid or unusual JSON, NaN, a key or a
 * string on a path with an escape, a dotted key or a duplicate key on a path, an array on
 * a path, a number that is long, zero-ish, subnormal or not finite, deep nesting.
 */

#define MAX_TEXT_DEPTH 256
#define MAX_ENTRIES 128

typedef struct {
    const char *p;
    const char *end;
    /* find_key: a top-level key whose value's text is noted (its start, and how many
     * times the key was seen); ckey NULL when none is asked for */
    const char *ckey;
    Py_ssize_t cklen;
    const char *cval;
    int ccount;
    /* find_key with a trie: where the value of each of its top-level keys starts, and how
     * many times the key was seen (ctrie NULL when none is asked for) */
    PyObject *ctrie;
    const char *tvals[MAX_ENTRIES];
    unsigned char tcount[MAX_ENTRIES];
    /* feed_points: where the value at each of the points' paths starts (pos) and how many
     * times its key was seen (count, at most 2), by slot */
    const char **pos;
    unsigned char *count;
} Reader;

typedef struct PEntry PEntry;
typedef struct PNode {
    Py_ssize_t n;
    PEntry *e;
} PNode;
struct PEntry {
    PyObject *key;        /* str (owns kb) */
    const char *kb;
    Py_ssize_t kl;
    int slot;
    PNode *child;         /* the keys below, or NULL */
};

static int cap_value(Reader *r, PyObject *inner, int depth, PyObject **v);

static inline void skip_ws(Reader *r) {
    while (r->p < r->end) {
        char c = *r->p;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            r->p++;
        else
            break;
    }
}

static inline int hexdigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* at '"': the raw text between the quotes; *escaped when it holds a backslash */
static int read_string(Reader *r, const char **start, Py_ssize_t *len, int *escaped) {
    const char *p = r->p + 1, *end = r->end;
    *escaped = 0;
    *start = p;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            *len = p - *start;
            r->p = p + 1;
            return OK;
        }
        if (c < 0x20)
            return FALLBACK;
        if (c == '\\') {
            *escaped = 1;
            if (p + 1 >= end)
                return FALLBACK;
            char x = p[1];
            if (x == 'u') {
                if (p + 6 > end || !hexdigit(p[2]) || !hexdigit(p[3]) || !hexdigit(p[4]) ||
                    !hexdigit(p[5]))
                    return FALLBACK;
                p += 6;
                continue;
            }
            if (x != '"' && x != '\\' && x != '/' && x != 'b' && x != 'f' && x != 'n' &&
                x != 'r' && x != 't')
                return FALLBACK;
            p += 2;
            continue;
        }
        p++;
    }
    return FALLBACK;
}

/* a JSON number token: *is_int when it has no fraction and no exponent */
static int read_number(Reader *r, const char **start, Py_ssize_t *len, int *is_int) {
    const char *p = r->p, *end = r->end;
    *start = p;
    *is_int = 1;
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return FALLBACK;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    else
        return FALLBACK;
    if (p < end && *p == '.') {
        *is_int = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return FALLBACK;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return FALLBACK;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *len = p - *start;
    r->p = p;
    return OK;
}

static int read_literal(Reader *r, PyObject **v) {
    Py_ssize_t left = r->end - r->p;
    if (left >= 4 && memcmp(r->p, "true", 4) == 0) {
        r->p += 4;
        *v = Py_True;
        return OK;
    }
    if (left >= 5 && memcmp(r->p, "false", 5) == 0) {
        r->p += 5;
        *v = Py_False;
        return OK;
    }
    if (left >= 4 && memcmp(r->p, "null", 4) == 0) {
        r->p += 4;
        *v = Py_None;
        return OK;
    }
    return FALLBACK;
}

/* validate and skip one value */
/* at a member of an object: its key (plain: no escape, no dot, else FALLBACK: the key's
 * text needs decoding, or a dotted key), then past the ':' to the value's first character */
static inline int read_member_key(Reader *r, const char **k, Py_ssize_t *klen) {
    int escaped;
    skip_ws(r);
    if (r->p >= r->end || *r->p != '"' || read_string(r, k, klen, &escaped) != OK)
        return FALLBACK;
    if (escaped || (*klen && memchr(*k, '.', (size_t)*klen)))
        return FALLBACK;
    skip_ws(r);
    if (r->p >= r->end || *r->p != ':')
        return FALLBACK;
    r->p++;
    skip_ws(r);
    if (r->p >= r->end)
        return FALLBACK;
    return OK;
}

#define MORE 2   /* after_member: another member follows */

/* after a member's value: MORE past a ',', OK past the object's '}', else FALLBACK */
static inline int after_member(Reader *r) {
    skip_ws(r);
    if (r->p >= r->end)
        return FALLBACK;
    if (*r->p == ',') {
        r->p++;
        return MORE;
    }
    if (*r->p == '}') {
        r->p++;
        return OK;
    }
    return FALLBACK;
}

/* at an object's '{': past it, and OK past the '}' too when the object is empty, else MORE */
static inline int open_object(Reader *r) {
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return OK;
    }
    return MORE;
}

static int skip_value(Reader *r, int depth) {
    if (depth > MAX_TEXT_DEPTH)
        return FALLBACK;
    skip_ws(r);
    if (r->p >= r->end)
        return FALLBACK;
    char c = *r->p;
    const char *s;
    Py_ssize_t n;
    int flag;
    if (c == '"')
        return read_string(r, &s, &n, &flag);
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(r, &s, &n, &flag);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return OK;
        }
        for (;;) {
            if (c == '{') {
                skip_ws(r);
                if (r->p >= r->end || *r->p != '"' || read_string(r, &s, &n, &flag) != OK)
                    return FALLBACK;
                skip_ws(r);
                if (r->p >= r->end || *r->p != ':')
                    return FALLBACK;
                r->p++;
            }
            if (skip_value(r, depth + 1) != OK)
                return FALLBACK;
            skip_ws(r);
            if (r->p >= r->end)
                return FALLBACK;
            if (*r->p == ',') {
                r->p++;
                continue;
            }
            if (*r->p == close) {
                r->p++;
                return OK;
            }
            return FALLBACK;
        }
    }
    PyObject *v;
    return read_literal(r, &v);
}

/* a leaf value's Python object, from its text: a string without escapes, an integer of at
 * most 15 digits, a float that is neither zero-ish, subnormal nor infinite (any other
 * number makes the reader give up, as the fast path's rules send it to the exact one) */
static int read_leaf(Reader *r, PyObject **v) {
    char c = *r->p;
    const char *s;
    Py_ssize_t n;
    int flag;
    if (c == '"') {
        if (read_string(r, &s, &n, &flag) != OK || flag)
            return FALLBACK;
        *v = PyUnicode_DecodeUTF8(s, n, NULL);
        return *v ? OK : FALLBACK;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (read_number(r, &s, &n, &flag) != OK)
            return FALLBACK;
        char buf[40];
        if (n >= (Py_ssize_t)sizeof(buf))
            return FALLBACK;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (flag) {
            if (n - (s[0] == '-') > 15)
                return FALLBACK;
            *v = PyLong_FromLongLong(strtoll(buf, NULL, 10));
            return *v ? OK : FALLBACK;
        }
        char *endp = NULL;
        double d = PyOS_string_to_double(buf, &endp, NULL);
        if ((d == -1.0 && PyErr_Occurred()) || !endp || *endp) {
            PyErr_Clear();
            return FALLBACK;
        }
        if (!isfinite(d) || (-MIN_NORMAL < d && d < MIN_NORMAL))
            return FALLBACK;
        *v = PyFloat_FromDouble(d);
        return *v ? OK : FALLBACK;
    }
    PyObject *lit;
    if (read_literal(r, &lit) != OK)
        return FALLBACK;
    Py_INCREF(lit);
    *v = lit;
    return OK;
}

/* at '{' of an object on the patterns' paths: m &= what its keys give */
static int note_object(Reader *r, PNode *node, int depth);

/* pn: the points' paths at this object (feed_points), or NULL */
static int read_object(Reader *r, CNode *node, int depth, Acc *m, PNode *pn) {
    if (depth > MAX_TEXT_DEPTH || node->n > MAX_ENTRIES)
        return FALLBACK;
    unsigned char seen[MAX_ENTRIES];
    memset(seen, 0, (size_t)node->n);
    for (Py_ssize_t i = 0; i < node->n; i++)
        if (!node->entries[i].kbytes)
            return FALLBACK;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}')
        r->p++;
    else {
        for (;;) {
            const char *k;
            Py_ssize_t klen;
            if (read_member_key(r, &k, &klen) != OK)
                return FALLBACK;
            if (depth == 0 && r->ckey && klen == r->cklen &&
                memcmp(k, r->ckey, (size_t)klen) == 0) {
                r->ccount++;
                r->cval = r->p;
            }
            PEntry *pe = NULL;
            if (pn) {
                for (Py_ssize_t t = 0; t < pn->n; t++) {
                    PEntry *x = &pn->e[t];
                    if (x->kl == klen && memcmp(x->kb, k, (size_t)klen) == 0) {
                        pe = x;
                        if (r->count[pe->slot] < 2)
                            r->count[pe->slot]++;
                        r->pos[pe->slot] = r->p;
                        break;
                    }
                }
            }
            if (depth == 0 && r->ctrie) {
                Py_ssize_t nt = PyTuple_GET_SIZE(r->ctrie);
                for (Py_ssize_t t = 0; t < nt; t++) {
                    Py_ssize_t xl;
                    const char *xb = PyUnicode_AsUTF8AndSize(
                        PyTuple_GET_ITEM(PyTuple_GET_ITEM(r->ctrie, t), 0), &xl);
                    if (!xb)
                        return FALLBACK;
                    if (xl == klen && memcmp(xb, k, (size_t)klen) == 0) {
                        if (r->tcount[t] < 2)
                            r->tcount[t]++;
                        r->tvals[t] = r->p;
                        break;
                    }
                }
            }
            Entry *e = NULL;
            Py_ssize_t i;
            for (i = 0; i < node->n; i++) {
                Entry *x = &node->entries[i];
                if (x->klen == klen && memcmp(x->kbytes, k, (size_t)klen) == 0) {
                    e = x;
                    break;
                }
            }
            if (!e) {
                if (pe && pe->child && *r->p == '{') {
                    if (note_object(r, pe->child, depth + 1) != OK)
                        return FALLBACK;
                }
                else if (skip_value(r, depth + 1) != OK)
                    return FALLBACK;
            }
            else {
                if (seen[i])
                    return FALLBACK;   /* a duplicate key: the last one wins */
                seen[i] = 1;
                char c = *r->p;
                if (c == '{') {
                    if (e->inner) {
                        if (read_object(r, e->inner, depth + 1, m, pe ? pe->child : NULL) != OK)
                            return FALLBACK;
                    }
                    else if (pe && pe->child) {
                        if (note_object(r, pe->child, depth + 1) != OK)
                            return FALLBACK;
                    }
                    else if (skip_value(r, depth + 1) != OK)
                        return FALLBACK;
                    if (e->has_leaf)
                        and_in(m, e->absent);
                }
                else if (c == '[')
                    return FALLBACK;
                else if (c == '"' && !e->has_leaf) {
                    const char *s;
                    Py_ssize_t n;
                    int flag;
                    if (read_string(r, &s, &n, &flag) != OK || and_in(m, e->below))
                        return FALLBACK;
                }
                else {
                    PyObject *v = NULL;
                    if (read_leaf(r, &v) != OK)
                        return FALLBACK;
                    int st = apply_value(e, v, 0, m);
                    Py_DECREF(v);
                    if (st != OK)
                        return FALLBACK;
                }
            }
            skip_ws(r);
            if (r->p >= r->end)
                return FALLBACK;
            if (*r->p == ',') {
                r->p++;
                continue;
            }
            if (*r->p == '}') {
                r->p++;
                break;
            }
            return FALLBACK;
        }
    }
    for (Py_ssize_t i = 0; i < node->n; i++) {
        if (!seen[i])
            and_in(m, node->entries[i].missing);
    }
    return OK;
}

/* the whole text: OK with a->m the answer, or FALLBACK */
static int read_text(PlanObject *plan, const char *s, Py_ssize_t n, Acc *m) {
    Reader r = {s, s + n, NULL, 0, NULL, 0, NULL};
    skip_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        return FALLBACK;
    if (read_object(&r, plan->root, 0, m, NULL) != OK)
        return FALLBACK;
    skip_ws(&r);
    return r.p == r.end ? OK : FALLBACK;
}

/* The names of the bits of m, lowest first; sorted and once each unless plan->simple. */
static PyObject *names_of(PlanObject *plan, Acc *m) {
    Py_ssize_t nnames = PyTuple_GET_SIZE(plan->names);
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    for (Py_ssize_t i = 0; i < m->w; i++) {
        uint64_t word = m->m[i];
        while (word) {
            int low = __builtin_ctzll(word);
            word &= word - 1;
            Py_ssize_t bit = i * 64 + low;
            if (bit >= nnames || PyList_Append(out, PyTuple_GET_ITEM(plan->names, bit)) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
    }
    if (plan->simple)
        return out;
    PyObject *set = PySet_New(out);
    Py_DECREF(out);
    if (!set)
        return NULL;
    out = PySequence_List(set);
    Py_DECREF(set);
    if (out && PyList_Sort(out) < 0)
        Py_CLEAR(out);
    return out;
}

static int number_char(unsigned char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* _events._safe_token for a float: is the token a float written as its own shortest text
 * (repr), and not zero-ish or subnormal?  Long integers are left to the Python path. */
static int safe_float_token(const char *s, Py_ssize_t n) {
    char buf[64];
    if (n <= 0 || n >= (Py_ssize_t)sizeof(buf))
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    int digits_only = 1;
    for (Py_ssize_t i = (buf[0] == '-'); i < n; i++)
        if (buf[i] < '0' || buf[i] > '9')
            digits_only = 0;
    if (digits_only)
        return 0;
    char *end = NULL;
    double f = PyOS_string_to_double(buf, &end, NULL);
    if (f == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    if (!end || *end != 0 || !isfinite(f) || (-MIN_NORMAL < f && f < MIN_NORMAL))
        return 0;
    char *r = PyOS_double_to_string(f, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (!r) {
        PyErr_Clear();
        return 0;
    }
    int same = strcmp(r, buf) == 0;
    PyMem_Free(r);
    return same;
}

/* The scan of _events._fast_doc: every run of 16 or more digits and dots must sit in a
 * number token that the fast parser reads as the exact path does.  0: all safe. */
static int unsafe_runs(const char *s, Py_ssize_t n) {
    int run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || c == '.') {
            if (++run < 16)
                continue;
            Py_ssize_t start = i + 1 - run, end = i + 1;
            while (start && number_char((unsigned char)s[start - 1]))
                start--;
            while (end < n && number_char((unsigned char)s[end]))
                end++;
            if (!safe_float_token(s + start, end - start))
                return 1;
            i = end - 1;
            run = 0;
        }
        else
            run = 0;
    }
    return 0;
}

static PyObject *fallback_none(void) {
    PyErr_Clear();
    st_fallbacks++;
    Py_RETURN_NONE;
}

#define STACK_WORDS 64   /* masks of at most this many words live on the stack */

/* a's masks for plan: mbuf and tbuf (STACK_WORDS each, the caller's stack) when its words
 * fit, else one block from the heap, *heap, which the caller frees (NULL otherwise);
 * -1 when that allocation fails */
static int acc_open(Acc *a, PlanObject *plan, uint64_t *mbuf, uint64_t *tbuf, uint64_t **heap) {
    a->m = mbuf;
    a->tmp = tbuf;
    a->w = plan->words;
    *heap = NULL;
    if (plan->words > STACK_WORDS) {
        *heap = PyMem_Malloc((size_t)plan->words * 2 * sizeof(uint64_t));
        if (!*heap)
            return -1;
        a->m = *heap;
        a->tmp = *heap + plan->words;
    }
    return 0;
}

static void reset(Acc *a, PlanObject *plan) {
    memcpy(a->m, PyBytes_AS_STRING(plan->all), (size_t)a->w * 8);
}

static PyObject *answer(PlanObject *plan, Acc *a, int text) {
    PyObject *names = names_of(plan, a);
    if (!names)
        return NULL;
    st_events++;
    st_text += text;
    return names;
}

static PyObject *find_in(PlanObject *plan, PyObject *event, Acc *a) {
    PyObject *doc;
    int exact;
    reset(a, plan);
    if (PyDict_CheckExact(event)) {
        doc = event;
        Py_INCREF(doc);
        exact = 1;
    }
    else if (PyUnicode_CheckExact(event) || PyBytes_CheckExact(event)) {
        const char *s;
        Py_ssize_t n;
        if (PyUnicode_CheckExact(event)) {
            s = PyUnicode_AsUTF8AndSize(event, &n);   /* fails on a lone surrogate */
            if (!s)
                return NULL;
        }
        else {
            s = PyBytes_AS_STRING(event);
            n = PyBytes_GET_SIZE(event);
        }
        if (unsafe_runs(s, n))
            return NULL;
        if (PyUnicode_CheckExact(event)) {   /* bytes may be UTF-16 or 32: not read here */
            if (read_text(plan, s, n, a) == OK) {
                PyObject *names = answer(plan, a, 1);
                if (names)
                    return names;
            }
            PyErr_Clear();
            reset(a, plan);
        }
        if (!fast_holder || !PyList_CheckExact(fast_holder) || PyList_GET_SIZE(fast_holder) < 1)
            return NULL;
        PyObject *loads = PyList_GET_ITEM(fast_holder, 0);
        if (loads == Py_None || !PyCallable_Check(loads))
            return NULL;
        Py_INCREF(loads);
        doc = PyObject_CallOneArg(loads, event);
        Py_DECREF(loads);
        if (!doc)
            return NULL;
        if (!PyDict_CheckExact(doc)) {
            Py_DECREF(doc);
            return NULL;
        }
        exact = 0;
    }
    else
        return NULL;
    int st = walk(plan, doc, exact, a);
    Py_DECREF(doc);
    if (st != OK)
        return NULL;
    return answer(plan, a, 0);
}

/* find(plan, event) -> the sorted names, or None: the Python path answers */
static PyObject *ccore_find(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || Py_TYPE(args[0]) != &PlanType) {
        PyErr_SetString(PyExc_TypeError, "find(plan, event)");
        return NULL;
    }
    PlanObject *plan = (PlanObject *)args[0];
    uint64_t mbuf[STACK_WORDS], tbuf[STACK_WORDS], *heap;
    Acc a;
    if (acc_open(&a, plan, mbuf, tbuf, &heap) < 0)
        return fallback_none();
    Py_INCREF(plan);   /* held through any callback */
    PyObject *names = find_in(plan, args[1], &a);
    Py_DECREF(plan);
    PyMem_Free(heap);
    if (!names)
        return fallback_none();
    return names;
}

/* find_key(plan, text, key) -> (names, value) or None: find() of a str text read by the
 * text reader alone (no fallback to the fast parser), and the value of the text's top-level
 * member `key` when it is there once and is an integer of at most 15 digits (else None in
 * its place).  None when the text reader gives up: the caller reads the text itself. */
static PyObject *ccore_find_key(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if ((nargs != 3 && nargs != 4) || Py_TYPE(args[0]) != &PlanType ||
        !PyUnicode_CheckExact(args[2]) || (nargs == 4 && (!PyTuple_CheckExact(args[3]) ||
                                                          PyTuple_GET_SIZE(args[3]) > MAX_ENTRIES))) {
        PyErr_SetString(PyExc_TypeError, "find_key(plan, text, key[, trie])");
        return NULL;
    }
    PyObject *trie = nargs == 4 ? args[3] : NULL;
    PlanObject *plan = (PlanObject *)args[0];
    PyObject *event = args[1];
    if (!PyUnicode_CheckExact(event)) {
        st_fallbacks++;
        Py_RETURN_NONE;
    }
    Py_ssize_t klen, n;
    const char *key = PyUnicode_AsUTF8AndSize(args[2], &klen);
    if (!key)
        return NULL;
    const char *s = PyUnicode_AsUTF8AndSize(event, &n);   /* fails on a lone surrogate */
    if (!s || unsafe_runs(s, n))
        return fallback_none();
    uint64_t mbuf[STACK_WORDS], tbuf[STACK_WORDS], *heap;
    Acc a;
    if (acc_open(&a, plan, mbuf, tbuf, &heap) < 0)
        return fallback_none();
    Py_INCREF(plan);   /* held through any callback */
    Py_INCREF(event);
    PyObject *out = NULL;
    reset(&a, plan);
    Reader r = {s, s + n, key, klen, NULL, 0, trie};
    if (trie)
        memset(r.tcount, 0, sizeof(r.tcount));
    int st = FALLBACK;
    skip_ws(&r);
    if (r.p < r.end && *r.p == '{' && read_object(&r, plan->root, 0, &a, NULL) == OK) {
        skip_ws(&r);
        st = r.p == r.end ? OK : FALLBACK;
    }
    if (st == OK) {
        PyObject *value = NULL;
        if (r.ccount == 1) {
            Reader v = {r.cval, s + n, NULL, 0, NULL, 0, NULL};
            char c = *v.p;
            if ((c == '-' || (c >= '0' && c <= '9')) && read_leaf(&v, &value) == OK &&
                !PyLong_CheckExact(value))
                Py_CLEAR(value);
            PyErr_Clear();
        }
        PyObject *names = answer(plan, &a, 1);
        PyObject *doc = NULL;
        if (names && trie && PyList_GET_SIZE(names)) {
            /* matched: what the trie names, from the top-level values noted on the way */
            doc = PyDict_New();
            Py_ssize_t nt = PyTuple_GET_SIZE(trie);
            for (Py_ssize_t t = 0; doc && t < nt; t++) {
                if (!r.tcount[t])
                    continue;
                PyObject *entry = PyTuple_GET_ITEM(trie, t), *v = NULL;
                Reader at = {r.tvals[t], s + n, NULL, 0, NULL, 0, NULL};
                if (r.tcount[t] > 1 || cap_value(&at, PyTuple_GET_ITEM(entry, 1), 0, &v) != OK ||
                    PyDict_SetItem(doc, PyTuple_GET_ITEM(entry, 0), v) < 0)
                    Py_CLEAR(doc);
                Py_XDECREF(v);
            }
            PyErr_Clear();
        }
        if (names) {
            if (trie)
                out = PyTuple_Pack(3, names, value ? value : Py_None, doc ? doc : Py_None);
            else
                out = PyTuple_Pack(2, names, value ? value : Py_None);
            Py_DECREF(names);
        }
        Py_XDECREF(doc);
        Py_XDECREF(value);
    }
    Py_DECREF(event);
    Py_DECREF(plan);
    PyMem_Free(heap);
    if (!out)
        return fallback_none();
    return out;
}

/* capture: at '{' of an object on the capture trie's paths, out gets the members the trie
 * names: a scalar as read_leaf reads it, an object as a dict of what the trie names below
 * it (empty when nothing), an array as an empty list.  Any key of such an object that is
 * escaped or holds a dot, a duplicate member, an escaped string: FALLBACK. */
static int cap_object(Reader *r, PyObject *node, int depth, PyObject *out);

/* at a member's value: *v what capture keeps of it (see cap_object) */
static int cap_value(Reader *r, PyObject *inner, int depth, PyObject **v) {
    char c = *r->p;
    if (c == '{') {
        if (!(*v = PyDict_New()))
            return FALLBACK;
        if (inner != Py_None ? cap_object(r, inner, depth + 1, *v) != OK
                             : skip_value(r, depth + 1) != OK) {
            Py_CLEAR(*v);
            return FALLBACK;
        }
        return OK;
    }
    if (c == '[') {
        if (skip_value(r, depth + 1) != OK || !(*v = PyList_New(0)))
            return FALLBACK;
        return OK;
    }
    return read_leaf(r, v);
}

static int cap_object(Reader *r, PyObject *node, int depth, PyObject *out) {
    if (depth > MAX_TEXT_DEPTH)
        return FALLBACK;
    Py_ssize_t n = PyTuple_GET_SIZE(node);
    if (n > MAX_ENTRIES)
        return FALLBACK;
    unsigned char seen[MAX_ENTRIES];
    memset(seen, 0, (size_t)n);
    if (open_object(r) == OK)
        return OK;   /* {} */
    for (;;) {
        const char *k;
        Py_ssize_t klen;
        if (read_member_key(r, &k, &klen) != OK)
            return FALLBACK;
        Py_ssize_t i;
        PyObject *entry = NULL;
        for (i = 0; i < n; i++) {
            PyObject *x = PyTuple_GET_ITEM(node, i);
            Py_ssize_t xl;
            const char *xb = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(x, 0), &xl);
            if (!xb)
                return FALLBACK;
            if (xl == klen && memcmp(xb, k, (size_t)klen) == 0) {
                entry = x;
                break;
            }
        }
        if (!entry) {
            if (skip_value(r, depth + 1) != OK)
                return FALLBACK;
        }
        else {
            if (seen[i])
                return FALLBACK;
            seen[i] = 1;
            PyObject *v = NULL;
            if (cap_value(r, PyTuple_GET_ITEM(entry, 1), depth, &v) != OK)
                return FALLBACK;
            int st = PyDict_SetItem(out, PyTuple_GET_ITEM(entry, 0), v);
            Py_DECREF(v);
            if (st < 0)
                return FALLBACK;
        }
        int next = after_member(r);
        if (next == MORE)
            continue;
        return next;
    }
}

/* capture(text, trie) -> dict or None: the members of a str JSON object text at the paths
 * of trie (a tuple of (key, trie below or None)), as a dict of dicts holding only them;
 * None when the text is one this reader does not read as the exact reader does. */
static PyObject *ccore_capture(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyTuple_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "capture(text, trie)");
        return NULL;
    }
    if (!PyUnicode_CheckExact(args[0]))
        Py_RETURN_NONE;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(args[0], &n);
    if (!s || unsafe_runs(s, n)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Reader r = {s, s + n, NULL, 0, NULL, 0, NULL};
    skip_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        Py_RETURN_NONE;
    PyObject *out = PyDict_New();
    if (!out)
        return NULL;
    Py_INCREF(args[0]);
    int st = cap_object(&r, args[1], 0, out);
    if (st == OK) {
        skip_ws(&r);
        if (r.p != r.end)
            st = FALLBACK;
    }
    Py_DECREF(args[0]);
    if (st != OK) {
        PyErr_Clear();
        Py_DECREF(out);
        Py_RETURN_NONE;
    }
    return out;
}

/* a Reader of p..end for the plain readers (skip_ws, read_string, read_number, skip_value):
 * only what they use is set (no find_key notes) */
static inline void reader_at(Reader *r, const char *p, const char *end) {
    r->p = p;
    r->end = end;
    r->ckey = NULL;
    r->cklen = 0;
    r->cval = NULL;
    r->ccount = 0;
    r->ctrie = NULL;
    r->pos = NULL;
    r->count = NULL;
}

/* ---------------------------------------------------------------- backfill points ----- */
/*
 * feed_points: the backfill's per-document loop for one engine, over a batch of document
 * texts, in one call.  For each text it does what rumrules/backfill/_run.py does on the
 * screened path (the first look of find_key: the time, the window, the matches) and, for a
 * matched document, what MetricEngine.read_points gives of the exact reading in the common
 * case (ValueKey a plain number, dimension values plain strings or booleans), appending the
 * values to the caller's table (definition, dimensions, minute) -> [values].  Any text it
 * does not take whole (not UTF-8, unusual JSON, a time only the exact reading dates, a value
 * or a path it does not model) is handed back by its place, untouched: the caller reads it
 * as before.  So the answers are the Python path's; at worst the Python path gives them.
 */

#define MAX_SLOTS 1024
#define MAX_PATH_DEPTH 32
#define MIN_VALUE 4.3601508761683463e-109   /* 2^-360 */
#define MAX_VALUE 2.3485425827738332e+108   /* 2^360 */

typedef struct {
    PyObject *index;      /* int: the definition's index */
    int vslot;            /* the ValueKey's slot, -1: none (the value is 1.0) */
    int handback;         /* the document goes back to Python when this one matches */
    Py_ssize_t ndims;
    int *dslot;
    PyObject **dname;     /* str */
} PDef;

typedef struct {
    PyObject_HEAD
    PNode *root;
    int nslots;
    Py_ssize_t nbits;
    Py_ssize_t *bitdef;   /* bit -> definition */
    Py_ssize_t nalways;
    Py_ssize_t *always;   /* definitions without a pattern: every document */
    Py_ssize_t ndefs;
    PDef *defs;
    Py_ssize_t maxdims;
    PyObject *app;        /* ("application_name", app monitor name) */
    PyObject *s_true, *s_false;
} PointsObject;

static void free_pnode(PNode *node) {
    if (!node)
        return;
    if (node->e) {
        for (Py_ssize_t i = 0; i < node->n; i++) {
            Py_XDECREF(node->e[i].key);
            free_pnode(node->e[i].child);
        }
        PyMem_Free(node->e);
    }
    PyMem_Free(node);
}

/* ((key, slot, below or None), ...) */
static PNode *build_pnode(PyObject *spec, int depth, int nslots) {
    if (depth > MAX_PATH_DEPTH || !PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) > MAX_ENTRIES) {
        bad("a points trie is a tuple of (key, slot, below)");
        return NULL;
    }
    PNode *node = PyMem_Calloc(1, sizeof(PNode));
    if (!node)
        return (PNode *)PyErr_NoMemory();
    Py_ssize_t n = PyTuple_GET_SIZE(spec);
    node->e = PyMem_Calloc(n ? n : 1, sizeof(PEntry));
    if (!node->e) {
        PyMem_Free(node);
        return (PNode *)PyErr_NoMemory();
    }
    node->n = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(spec, i);
        PEntry *e = &node->e[i];
        if (!PyTuple_CheckExact(x) || PyTuple_GET_SIZE(x) != 3 ||
            !PyUnicode_CheckExact(PyTuple_GET_ITEM(x, 0)) || !PyLong_CheckExact(PyTuple_GET_ITEM(x, 1))) {
            bad("a points trie entry is (key, slot, below)");
            goto fail;
        }
        e->key = PyTuple_GET_ITEM(x, 0);
        Py_INCREF(e->key);
        e->kb = PyUnicode_AsUTF8AndSize(e->key, &e->kl);
        if (!e->kb)
            goto fail;
        long slot = PyLong_AsLong(PyTuple_GET_ITEM(x, 1));
        if (slot < 0 || slot >= nslots) {
            if (!PyErr_Occurred())
                bad("a slot out of range");
            goto fail;
        }
        e->slot = (int)slot;
        PyObject *below = PyTuple_GET_ITEM(x, 2);
        if (below != Py_None && !(e->child = build_pnode(below, depth + 1, nslots)))
            goto fail;
    }
    return node;
fail:
    free_pnode(node);
    return NULL;
}

static void Points_dealloc(PointsObject *self) {
    free_pnode(self->root);
    PyMem_Free(self->bitdef);
    PyMem_Free(self->always);
    if (self->defs) {
        for (Py_ssize_t i = 0; i < self->ndefs; i++) {
            PDef *d = &self->defs[i];
            Py_XDECREF(d->index);
            if (d->dname)
                for (Py_ssize_t j = 0; j < d->ndims; j++)
                    Py_XDECREF(d->dname[j]);
            PyMem_Free(d->dname);
            PyMem_Free(d->dslot);
        }
        PyMem_Free(self->defs);
    }
    Py_XDECREF(self->app);
    Py_XDECREF(self->s_true);
    Py_XDECREF(self->s_false);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t *index_array(PyObject *t, Py_ssize_t *n, Py_ssize_t limit) {
    if (!PyTuple_CheckExact(t)) {
        bad("indexes are a tuple of ints");
        return NULL;
    }
    *n = PyTuple_GET_SIZE(t);
    Py_ssize_t *out = PyMem_Calloc(*n ? *n : 1, sizeof(Py_ssize_t));
    if (!out) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < *n; i++) {
        PyObject *x = PyTuple_GET_ITEM(t, i);
        Py_ssize_t v = PyLong_CheckExact(x) ? PyLong_AsSsize_t(x) : -1;
        if (v < 0 || v >= limit) {
            PyErr_Clear();
            bad("an index out of range");
            PyMem_Free(out);
            return NULL;
        }
        out[i] = v;
    }
    return out;
}

/* Points((bitdefs, always, nslots, trie, defs, app)): defs a tuple of (value slot or -1,
 * ((slot, name), ...), handback) */
static PyObject *Points_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *spec = the_spec(args, kwds, "Points", 6,
                              "points are (bitdefs, always, nslots, trie, defs, app)");
    if (!spec)
        return NULL;
    PointsObject *self = (PointsObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    PyObject *defs = PyTuple_GET_ITEM(spec, 4), *app = PyTuple_GET_ITEM(spec, 5);
    long nslots = PyLong_CheckExact(PyTuple_GET_ITEM(spec, 2)) ? PyLong_AsLong(PyTuple_GET_ITEM(spec, 2)) : -1;
    if (nslots < 0 || nslots > MAX_SLOTS) {
        PyErr_Clear();
        bad("the number of slots");
        goto fail;
    }
    self->nslots = (int)nslots;
    if (!PyTuple_CheckExact(defs) || !PyTuple_CheckExact(app) || PyTuple_GET_SIZE(app) != 2 ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(app, 0)) || !PyUnicode_CheckExact(PyTuple_GET_ITEM(app, 1))) {
        bad("defs is a tuple, app a pair of str");
        goto fail;
    }
    Py_INCREF(app);
    self->app = app;
    self->ndefs = PyTuple_GET_SIZE(defs);
    if (!(self->bitdef = index_array(PyTuple_GET_ITEM(spec, 0), &self->nbits, self->ndefs)) ||
        !(self->always = index_array(PyTuple_GET_ITEM(spec, 1), &self->nalways, self->ndefs)))
        goto fail;
    if (!(self->root = build_pnode(PyTuple_GET_ITEM(spec, 3), 0, self->nslots)))
        goto fail;
    self->defs = PyMem_Calloc(self->ndefs ? self->ndefs : 1, sizeof(PDef));
    if (!self->defs) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < self->ndefs; i++) {
        PyObject *x = PyTuple_GET_ITEM(defs, i);
        PDef *d = &self->defs[i];
        if (!PyTuple_CheckExact(x) || PyTuple_GET_SIZE(x) != 3 ||
            !PyLong_CheckExact(PyTuple_GET_ITEM(x, 0)) || !PyTuple_CheckExact(PyTuple_GET_ITEM(x, 1))) {
            bad("a definition is (value slot, dimensions, handback)");
            goto fail;
        }
        if (!(d->index = PyLong_FromSsize_t(i)))
            goto fail;
        long vslot = PyLong_AsLong(PyTuple_GET_ITEM(x, 0));
        if (vslot < -1 || vslot >= nslots) {
            PyErr_Clear();
            bad("a value slot out of range");
            goto fail;
        }
        d->vslot = (int)vslot;
        int hb = PyObject_IsTrue(PyTuple_GET_ITEM(x, 2));
        if (hb < 0)
            goto fail;
        d->handback = hb;
        PyObject *dims = PyTuple_GET_ITEM(x, 1);
        d->ndims = PyTuple_GET_SIZE(dims);
        if (d->ndims > self->maxdims)
            self->maxdims = d->ndims;
        d->dslot = PyMem_Calloc(d->ndims ? d->ndims : 1, sizeof(int));
        d->dname = PyMem_Calloc(d->ndims ? d->ndims : 1, sizeof(PyObject *));
        if (!d->dslot || !d->dname) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t j = 0; j < d->ndims; j++) {
            PyObject *y = PyTuple_GET_ITEM(dims, j);
            if (!PyTuple_CheckExact(y) || PyTuple_GET_SIZE(y) != 2 ||
                !PyLong_CheckExact(PyTuple_GET_ITEM(y, 0)) || !PyUnicode_CheckExact(PyTuple_GET_ITEM(y, 1))) {
                bad("a dimension is (slot, name)");
                goto fail;
            }
            long slot = PyLong_AsLong(PyTuple_GET_ITEM(y, 0));
            if (slot < 0 || slot >= nslots) {
                PyErr_Clear();
                bad("a dimension slot out of range");
                goto fail;
            }
            d->dslot[j] = (int)slot;
            d->dname[j] = PyTuple_GET_ITEM(y, 1);
            Py_INCREF(d->dname[j]);
        }
    }
    if (!(self->s_true = PyUnicode_InternFromString("true")) ||
        !(self->s_false = PyUnicode_InternFromString("false")))
        goto fail;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static PyTypeObject PointsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rumrules.pattern._ccore.Points",
    .tp_doc = "What an engine reads of a matched document, as feed_points reads it "
              "(made by rumrules.pattern._core.points_feeder).",
    .tp_basicsize = sizeof(PointsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Points_new,
    .tp_dealloc = (destructor)Points_dealloc,
};

/* Is s[0:n] strict UTF-8, as bytes.decode("utf-8") takes it (no overlong forms, no
 * surrogates, nothing above U+10FFFF)? */
static int valid_utf8(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            while (i + 8 <= n) {    /* ASCII a word at a time */
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
                return 0;
            i += 2;
        }
        else if (c >= 0xE0 && c <= 0xEF) {
            if (i + 2 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
                return 0;
            if (c == 0xE0 && s[i + 1] < 0xA0)
                return 0;   /* overlong */
            if (c == 0xED && s[i + 1] >= 0xA0)
                return 0;   /* a surrogate */
            i += 3;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 ||
                (s[i + 3] & 0xC0) != 0x80)
                return 0;
            if (c == 0xF0 && s[i + 1] < 0x90)
                return 0;   /* overlong */
            if (c == 0xF4 && s[i + 1] >= 0x90)
                return 0;   /* above U+10FFFF */
            i += 4;
        }
        else
            return 0;
    }
    return 1;
}

/* at '{' of an object on the points' paths (below the top level): note where the value of
 * each key of node starts; FALLBACK on an escaped or dotted key, a duplicate of a noted key,
 * or invalid text */
static int note_object(Reader *r, PNode *node, int depth) {
    if (depth > MAX_TEXT_DEPTH)
        return FALLBACK;
    if (open_object(r) == OK)
        return OK;   /* {} */
    for (;;) {
        const char *k;
        Py_ssize_t klen;
        if (read_member_key(r, &k, &klen) != OK)
            return FALLBACK;
        PEntry *e = NULL;
        for (Py_ssize_t i = 0; i < node->n; i++) {
            PEntry *x = &node->e[i];
            if (x->kl == klen && memcmp(x->kb, k, (size_t)klen) == 0) {
                e = x;
                break;
            }
        }
        if (e) {
            if (r->count[e->slot])
                return FALLBACK;   /* a duplicate key: the last one wins */
            r->count[e->slot] = 1;
            r->pos[e->slot] = r->p;
        }
        if (e && e->child && *r->p == '{') {
            if (note_object(r, e->child, depth + 1) != OK)
                return FALLBACK;
        }
        else if (skip_value(r, depth + 1) != OK)
            return FALLBACK;
        int next = after_member(r);
        if (next == MORE)
            continue;
        return next;
    }
}

/* The token at p is a plain integer of at most 15 digits: *x it. */
static int small_int(const char *p, const char *end, long long *x) {
    Reader v;
    reader_at(&v, p, end);
    const char *s;
    Py_ssize_t n;
    int is_int;
    if (p >= end || !(*p == '-' || (*p >= '0' && *p <= '9')) ||
        read_number(&v, &s, &n, &is_int) != OK || !is_int || n - (s[0] == '-') > 15)
        return 0;
    char buf[24];
    memcpy(buf, s, n);
    buf[n] = 0;
    *x = strtoll(buf, NULL, 10);
    return 1;
}

enum { V_SKIP = 0, V_VALUE = 1, V_BACK = 2 };

/* The ValueKey's value at p (NULL: missing) as MetricEngine._number gives it from the exact
 * reading: V_VALUE with *out, V_SKIP (not a number), or V_BACK (a number this reader leaves
 * to Python: long, zero, written otherwise than its double's repr, out of the plain range) */
static int value_at(const char *p, const char *end, double *out) {
    if (!p)
        return V_SKIP;
    char c = *p;
    if (!(c == '-' || (c >= '0' && c <= '9')))
        return V_SKIP;      /* a string, true, false, null, an object, an array */
    Reader v;
    reader_at(&v, p, end);
    const char *s;
    Py_ssize_t n;
    int is_int;
    if (read_number(&v, &s, &n, &is_int) != OK)
        return V_BACK;
    if (is_int) {
        if (n - (s[0] == '-') > 15)
            return V_BACK;
        char buf[24];
        memcpy(buf, s, n);
        buf[n] = 0;
        long long x = strtoll(buf, NULL, 10);
        if (x == 0)
            return V_BACK;   /* 0.0 beside a -0.0 read in Python: order decides a minimum */
        *out = (double)x;
        return V_VALUE;
    }
    char buf[64];
    if (n >= (Py_ssize_t)sizeof(buf))
        return V_BACK;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *endp = NULL;
    double d = PyOS_string_to_double(buf, &endp, NULL);
    if ((d == -1.0 && PyErr_Occurred()) || !endp || *endp) {
        PyErr_Clear();
        return V_BACK;
    }
    double m = fabs(d);
    if (!(m >= MIN_VALUE && m <= MAX_VALUE))
        return V_BACK;
    char *text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (!text) {
        PyErr_Clear();
        return V_BACK;
    }
    int same = strcmp(text, buf) == 0;   /* parse_event_float's float: repr(f) == text */
    PyMem_Free(text);
    if (!same)
        return V_BACK;
    *out = d;
    return V_VALUE;
}

enum { D_NONE = 0, D_TEXT = 1, D_TRUE = 2, D_FALSE = 3, D_BACK = 4 };

/* A dimension's value at p (NULL: missing) as _dimension_value gives it: D_TEXT with the
 * string's raw text (no escape: the text is the value), D_TRUE/D_FALSE, D_NONE (omitted),
 * or D_BACK (a number, or an escaped string: left to Python) */
static int dim_at(const char *p, const char *end, const char **s, Py_ssize_t *n) {
    if (!p)
        return D_NONE;
    char c = *p;
    if (c == '"') {
        Reader v;
    reader_at(&v, p, end);
        int escaped;
        if (read_string(&v, s, n, &escaped) != OK || escaped)
            return D_BACK;
        Py_ssize_t chars = 0;   /* code points: the bytes that start one */
        for (Py_ssize_t i = 0; i < *n; i++)
            chars += ((unsigned char)(*s)[i] & 0xC0) != 0x80;
        return chars > 0 && chars <= 1024 ? D_TEXT : D_NONE;
    }
    if (c == 't')
        return D_TRUE;
    if (c == 'f')
        return D_FALSE;
    if (c == 'n' || c == '{' || c == '[')
        return D_NONE;
    return D_BACK;
}

static int cmp_ssize(const void *a, const void *b) {
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* scratch of one call */
typedef struct {
    const char **pos;
    unsigned char *count;
    Py_ssize_t *matched;
    double *values;
    unsigned char *vstate;
    unsigned char *dstate;     /* per matched definition, maxdims each */
    const char **dtext;
    Py_ssize_t *dlen;
} Scratch;

enum { T_NONE = 0, T_OUTSIDE = 1, T_BACK = 2, T_ERROR = 3 };

/* append the points of a matched document (phase 1 done: no hand-back left) */
static int append_points(PointsObject *pts, Scratch *sc, Py_ssize_t nm, long long ms,
                         PyObject *table, Py_ssize_t fold_at, PyObject *fold, Py_ssize_t *skipped) {
    PyObject *minute = PyLong_FromLongLong(ms / 60000 * 60);
    if (!minute)
        return -1;
    int st = 0;
    for (Py_ssize_t j = 0; j < nm && st == 0; j++) {
        PDef *d = &pts->defs[sc->matched[j]];
        if (sc->vstate[j] == V_SKIP) {
            (*skipped)++;
            continue;
        }
        unsigned char *ds = sc->dstate + j * pts->maxdims;
        const char **dt = sc->dtext + j * pts->maxdims;
        Py_ssize_t *dl = sc->dlen + j * pts->maxdims;
        Py_ssize_t ndims = 1;
        for (Py_ssize_t k = 0; k < d->ndims; k++)
            ndims += ds[k] != D_NONE;
        PyObject *dims = PyTuple_New(ndims), *key = NULL, *value = NULL;
        if (!dims) {
            st = -1;
            break;
        }
        Py_INCREF(pts->app);
        PyTuple_SET_ITEM(dims, 0, pts->app);
        Py_ssize_t at = 1;
        for (Py_ssize_t k = 0; k < d->ndims; k++) {
            PyObject *text;
            if (ds[k] == D_NONE)
                continue;
            if (ds[k] == D_TEXT)
                text = PyUnicode_DecodeUTF8(dt[k], dl[k], NULL);
            else {
                text = ds[k] == D_TRUE ? pts->s_true : pts->s_false;
                Py_INCREF(text);
            }
            PyObject *pair = text ? PyTuple_Pack(2, d->dname[k], text) : NULL;
            Py_XDECREF(text);
            if (!pair) {
                st = -1;
                break;
            }
            PyTuple_SET_ITEM(dims, at++, pair);
        }
        if (st == 0 && (key = PyTuple_Pack(3, d->index, dims, minute)) &&
            (value = PyFloat_FromDouble(sc->values[j]))) {
            PyObject *values = PyDict_GetItemWithError(table, key);
            if (values) {
                if (!PyList_CheckExact(values)) {
                    PyErr_SetString(PyExc_TypeError, "feed_points: the table holds lists");
                    st = -1;
                }
                else if (PyList_Append(values, value) < 0 ||
                         (PyList_GET_SIZE(values) == fold_at && PyList_Append(fold, key) < 0))
                    st = -1;
            }
            else if (PyErr_Occurred())
                st = -1;
            else {
                PyObject *list = PyList_New(1);
                if (!list)
                    st = -1;
                else {
                    Py_INCREF(value);
                    PyList_SET_ITEM(list, 0, value);
                    if (PyDict_SetItem(table, key, list) < 0 ||
                        (fold_at <= 1 && PyList_Append(fold, key) < 0))
                        st = -1;
                    Py_DECREF(list);
                }
            }
        }
        else
            st = -1;
        Py_XDECREF(value);
        Py_XDECREF(key);
        Py_DECREF(dims);
    }
    Py_DECREF(minute);
    return st;
}

/* one text: T_NONE (done: nothing matched, or its points appended), T_OUTSIDE, T_BACK or
 * T_ERROR (an exception is set) */
static int feed_one(PlanObject *plan, PointsObject *pts, Scratch *sc, Acc *a, const char *s,
                    Py_ssize_t n, const char *key, Py_ssize_t klen, double lo, double hi,
                    PyObject *table, Py_ssize_t fold_at, PyObject *fold, Py_ssize_t *skipped) {
    if (unsafe_runs(s, n))
        return T_BACK;
    reset(a, plan);
    memset(sc->count, 0, (size_t)(pts->nslots ? pts->nslots : 1));
    Reader r;
    reader_at(&r, s, s + n);
    r.ckey = key;
    r.cklen = klen;
    r.pos = sc->pos;
    r.count = sc->count;
    skip_ws(&r);
    if (!(r.p < r.end && *r.p == '{' && read_object(&r, plan->root, 0, a, pts->root) == OK))
        return T_BACK;
    skip_ws(&r);
    if (r.p != r.end)
        return T_BACK;
    long long ms;
    if (r.ccount != 1 || !small_int(r.cval, s + n, &ms) || ms < 0 || ms >= EXACT_INT / 1000)
        return T_BACK;      /* untimed, or a time only the exact reading dates */
    if (!((double)ms >= lo && (double)ms < hi))
        return T_OUTSIDE;
    /* the matched definitions, ascending and once each */
    Py_ssize_t nm = 0;
    for (Py_ssize_t i = 0; i < a->w; i++) {
        uint64_t word = a->m[i];
        while (word) {
            int low = __builtin_ctzll(word);
            word &= word - 1;
            Py_ssize_t bit = i * 64 + low;
            if (bit >= pts->nbits)
                return T_BACK;
            sc->matched[nm++] = pts->bitdef[bit];
        }
    }
    for (Py_ssize_t i = 0; i < pts->nalways; i++)
        sc->matched[nm++] = pts->always[i];
    if (!nm)
        return T_NONE;
    if (nm > 1) {
        qsort(sc->matched, (size_t)nm, sizeof(Py_ssize_t), cmp_ssize);
        Py_ssize_t u = 1;
        for (Py_ssize_t i = 1; i < nm; i++)
            if (sc->matched[i] != sc->matched[u - 1])
                sc->matched[u++] = sc->matched[i];
        nm = u;
    }
    /* phase 1: every value, or the document goes back untouched */
    for (Py_ssize_t j = 0; j < nm; j++) {
        PDef *d = &pts->defs[sc->matched[j]];
        if (d->handback)
            return T_BACK;
        if (d->vslot < 0) {
            sc->values[j] = 1.0;
            sc->vstate[j] = V_VALUE;
        }
        else {
            unsigned char c = sc->count[d->vslot];
            if (c > 1)
                return T_BACK;     /* a duplicate key on the way: the last one wins */
            int v = value_at(c ? sc->pos[d->vslot] : NULL, s + n, &sc->values[j]);
            if (v == V_BACK)
                return T_BACK;
            sc->vstate[j] = (unsigned char)v;
            if (v == V_SKIP)
                continue;
        }
        unsigned char *ds = sc->dstate + j * pts->maxdims;
        const char **dt = sc->dtext + j * pts->maxdims;
        Py_ssize_t *dl = sc->dlen + j * pts->maxdims;
        for (Py_ssize_t k = 0; k < d->ndims; k++) {
            int slot = d->dslot[k];
            unsigned char c = sc->count[slot];
            if (c > 1)
                return T_BACK;
            int x = dim_at(c ? sc->pos[slot] : NULL, s + n, &dt[k], &dl[k]);
            if (x == D_BACK)
                return T_BACK;
            ds[k] = (unsigned char)x;
        }
    }
    /* phase 2: the points */
    if (append_points(pts, sc, nm, ms, table, fold_at, fold, skipped) < 0)
        return T_ERROR;
    return T_NONE;
}

/* bytes.isspace() of a non-empty line */
static int blank_line(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c'))
            return 0;
    }
    return 1;
}

/* feed_points(plan, points, texts, key, lo, hi, table, fold_at, cwlogs) -> (back, outside,
 * skipped, fold, documents): the documents through the engine's screen and points.  texts
 * is a list of texts (bytes or str), or bytes of lines, one document each, split at "\n"
 * as backfill/_readers.document_texts splits them (blank lines are none; cwlogs: a line
 * loses what comes before its first space).  back: the places of the documents handed back
 * (read them as before); outside: the number whose time is outside [lo, hi); skipped: the
 * matches whose ValueKey is not a number; fold: the keys of table whose list reached
 * fold_at values in this call; documents: how many documents there were. */
static PyObject *ccore_feed_points(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 9 || Py_TYPE(args[0]) != &PlanType || Py_TYPE(args[1]) != &PointsType ||
        !(PyList_CheckExact(args[2]) || PyBytes_CheckExact(args[2])) ||
        !PyUnicode_CheckExact(args[3]) ||
        !PyFloat_CheckExact(args[4]) || !PyFloat_CheckExact(args[5]) ||
        !PyDict_CheckExact(args[6]) || !PyLong_CheckExact(args[7])) {
        PyErr_SetString(PyExc_TypeError,
                        "feed_points(plan, points, texts: list | bytes, key: str, lo: float, "
                        "hi: float, table: dict, fold_at: int, cwlogs)");
        return NULL;
    }
    PlanObject *plan = (PlanObject *)args[0];
    PointsObject *pts = (PointsObject *)args[1];
    PyObject *texts = args[2], *table = args[6];
    int lines = PyBytes_CheckExact(texts);
    int cwlogs = PyObject_IsTrue(args[8]);
    if (cwlogs < 0)
        return NULL;
    double lo = PyFloat_AS_DOUBLE(args[4]), hi = PyFloat_AS_DOUBLE(args[5]);
    Py_ssize_t fold_at = PyLong_AsSsize_t(args[7]);
    if (fold_at == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t klen;
    const char *key = PyUnicode_AsUTF8AndSize(args[3], &klen);
    if (!key)
        return NULL;
    Py_ssize_t maxm = pts->nbits + pts->nalways + 1;
    Py_ssize_t md = pts->maxdims ? pts->maxdims : 1;
    int ns = pts->nslots ? pts->nslots : 1;
    Scratch sc = {0};
    uint64_t *words = PyMem_Malloc((size_t)plan->words * 2 * sizeof(uint64_t));
    sc.pos = PyMem_Calloc((size_t)ns, sizeof(char *));
    sc.count = PyMem_Calloc((size_t)ns, 1);
    sc.matched = PyMem_Calloc((size_t)maxm, sizeof(Py_ssize_t));
    sc.values = PyMem_Calloc((size_t)maxm, sizeof(double));
    sc.vstate = PyMem_Calloc((size_t)maxm, 1);
    sc.dstate = PyMem_Calloc((size_t)(maxm * md), 1);
    sc.dtext = PyMem_Calloc((size_t)(maxm * md), sizeof(char *));
    sc.dlen = PyMem_Calloc((size_t)(maxm * md), sizeof(Py_ssize_t));
    PyObject *back = PyList_New(0), *fold = PyList_New(0), *out = NULL;
    Py_ssize_t outside = 0, skipped = 0;
    if (!words || !sc.pos || !sc.count || !sc.matched || !sc.values || !sc.vstate ||
        !sc.dstate || !sc.dtext || !sc.dlen) {
        PyErr_NoMemory();
        goto done;
    }
    if (!back || !fold)
        goto done;
    Acc a = {words, words + plan->words, plan->words};
    Py_INCREF(plan);
    Py_INCREF(pts);
    Py_INCREF(texts);
    Py_INCREF(table);
    int failed = 0;
    Py_ssize_t k = 0;   /* the documents seen */
    const char *at = lines ? PyBytes_AS_STRING(texts) : NULL;
    const char *stop = lines ? at + PyBytes_GET_SIZE(texts) : NULL;
    for (Py_ssize_t item = 0; !failed; item++) {
        const char *s = NULL;
        Py_ssize_t n = 0;
        PyObject *text = NULL;
        if (lines) {
            if (at > stop)
                break;
            const char *nl = memchr(at, '\n', (size_t)(stop - at));
            const char *line_end = nl ? nl : stop;
            s = at;
            n = line_end - at;
            at = line_end + 1;
            if (!n || blank_line(s, n))
                continue;
            if (cwlogs) {
                const char *space = memchr(s, ' ', (size_t)n);
                if (space) {
                    n -= space + 1 - s;
                    s = space + 1;
                }
            }
            if (!valid_utf8((const unsigned char *)s, n))
                s = NULL;
        }
        else {
            if (item >= PyList_GET_SIZE(texts))
                break;
            text = PyList_GET_ITEM(texts, item);
            Py_INCREF(text);
            if (PyBytes_CheckExact(text)) {
                s = PyBytes_AS_STRING(text);
                n = PyBytes_GET_SIZE(text);
                if (!valid_utf8((const unsigned char *)s, n))
                    s = NULL;
            }
            else if (PyUnicode_CheckExact(text)) {
                s = PyUnicode_AsUTF8AndSize(text, &n);   /* fails on a lone surrogate */
                if (!s)
                    PyErr_Clear();
            }
        }
        int st = T_BACK;
        if (s)
            st = feed_one(plan, pts, &sc, &a, s, n, key, klen, lo, hi, table, fold_at, fold,
                          &skipped);
        Py_XDECREF(text);
        if (st == T_OUTSIDE)
            outside++;
        else if (st == T_BACK) {
            PyErr_Clear();
            PyObject *place = PyLong_FromSsize_t(k);
            if (!place || PyList_Append(back, place) < 0)
                failed = 1;
            Py_XDECREF(place);
        }
        else if (st == T_ERROR)
            failed = 1;
        k++;
    }
    Py_DECREF(table);
    Py_DECREF(texts);
    Py_DECREF(pts);
    Py_DECREF(plan);
    if (!failed)
        out = Py_BuildValue("(OnnOn)", back, outside, skipped, fold, k);
done:
    Py_XDECREF(back);
    Py_XDECREF(fold);
    PyMem_Free(words);
    PyMem_Free(sc.pos);
    PyMem_Free(sc.count);
    PyMem_Free(sc.matched);
    PyMem_Free(sc.values);
    PyMem_Free(sc.vstate);
    PyMem_Free(sc.dstate);
    PyMem_Free(sc.dtext);
    PyMem_Free(sc.dlen);
    return out;
}

static PyObject *ccore_configure(PyObject *module, PyObject *holder) {
    if (!PyList_CheckExact(holder)) {
        PyErr_SetString(PyExc_TypeError, "configure(list holding the fast loads or None)");
        return NULL;
    }
    Py_INCREF(holder);
    Py_XSETREF(fast_holder, holder);
    Py_RETURN_NONE;
}

static PyObject *ccore_stats(PyObject *module, PyObject *unused) {
    return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K}", "events", st_events, "fallbacks",
                         st_fallbacks, "c_probes", st_c_probes, "py_probes", st_py_probes,
                         "text", st_text);
}

static PyObject *ccore_reset_stats(PyObject *module, PyObject *unused) {
    st_events = st_fallbacks = st_c_probes = st_py_probes = st_text = 0;
    Py_RETURN_NONE;
}

static PyMethodDef ccore_methods[] = {
    {"find", (PyCFunction)(void (*)(void))ccore_find, METH_FASTCALL,
     "find(plan, event): the sorted names of the alternatives the event satisfies, or None "
     "when the Python path must answer."},
    {"find_key", (PyCFunction)(void (*)(void))ccore_find_key, METH_FASTCALL,
     "find_key(plan, text, key): (find's names, the text's top-level integer at key or None), "
     "or None when the text reader gives up."},
    {"capture", (PyCFunction)(void (*)(void))ccore_capture, METH_FASTCALL,
     "capture(text, trie): the members of the text at the trie's paths, as nested dicts, or "
     "None when the text is not one this reader reads as the exact one does."},
    {"feed_points", (PyCFunction)(void (*)(void))ccore_feed_points, METH_FASTCALL,
     "feed_points(plan, points, texts, key, lo, hi, table, fold_at, cwlogs): the backfill's "
     "per-document loop over a batch; (handed back, outside, skipped, keys to fold, documents)."},
    {"configure", ccore_configure, METH_O,
     "configure(holder): a list whose item 0 is the fast JSON loads (or None)."},
    {"stats", ccore_stats, METH_NOARGS,
     "Counters: events answered, fallbacks to Python, values probed in C and in Python."},
    {"reset_stats", ccore_reset_stats, METH_NOARGS, "Zero the counters."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef ccore_module = {
    PyModuleDef_HEAD_INIT, "_ccore",
    "The optional compiled matching core of rumrules (see rumrules.pattern._core).", -1,
    ccore_methods,
};

PyMODINIT_FUNC PyInit__ccore(void) {
    if (PyType_Ready(&PlanType) < 0 || PyType_Ready(&PointsType) < 0)
        return NULL;
    if (!zero && !(zero = PyLong_FromLong(0)))
        return NULL;
    PyObject *mod = PyModule_Create(&ccore_module);
    if (!mod)
        return NULL;
    Py_INCREF(&PlanType);
    if (PyModule_AddObject(mod, "Plan", (PyObject *)&PlanType) < 0) {
        Py_DECREF(&PlanType);
        Py_DECREF(mod);
        return NULL;
    }
    Py_INCREF(&PointsType);
    if (PyModule_AddObject(mod, "Points", (PyObject *)&PointsType) < 0) {
        Py_DECREF(&PointsType);
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
