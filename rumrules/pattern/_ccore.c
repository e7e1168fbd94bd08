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

/* Plan((root, all, names, simple)) */
static PyObject *Plan_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *spec;
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Plan takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O", &spec))
        return NULL;
    if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != 4) {
        bad("a plan is (root, all, names, simple)");
        return NULL;
    }
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
} Reader;

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
static int read_object(Reader *r, CNode *node, int depth, Acc *m) {
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
            int escaped;
            skip_ws(r);
            if (r->p >= r->end || *r->p != '"' || read_string(r, &k, &klen, &escaped) != OK)
                return FALLBACK;
            if (escaped || (klen && memchr(k, '.', (size_t)klen)))
                return FALLBACK;   /* the key's text needs decoding, or a dotted key */
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return FALLBACK;
            r->p++;
            skip_ws(r);
            if (r->p >= r->end)
                return FALLBACK;
            if (depth == 0 && r->ckey && klen == r->cklen &&
                memcmp(k, r->ckey, (size_t)klen) == 0) {
                r->ccount++;
                r->cval = r->p;
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
                if (skip_value(r, depth + 1) != OK)
                    return FALLBACK;
            }
            else {
                if (seen[i])
                    return FALLBACK;   /* a duplicate key: the last one wins */
                seen[i] = 1;
                char c = *r->p;
                if (c == '{') {
                    if (e->inner) {
                        if (read_object(r, e->inner, depth + 1, m) != OK)
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
    if (read_object(&r, plan->root, 0, m) != OK)
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

/* find(plan, event) -> the sorted names, or None: the Python path answers */
#define STACK_WORDS 64

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
    uint64_t mbuf[STACK_WORDS], tbuf[STACK_WORDS];
    Acc a = {mbuf, tbuf, plan->words};
    uint64_t *heap = NULL;
    if (plan->words > STACK_WORDS) {
        heap = PyMem_Malloc((size_t)plan->words * 2 * sizeof(uint64_t));
        if (!heap)
            return fallback_none();
        a.m = heap;
        a.tmp = heap + plan->words;
    }
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
    uint64_t mbuf[STACK_WORDS], tbuf[STACK_WORDS];
    Acc a = {mbuf, tbuf, plan->words};
    uint64_t *heap = NULL;
    if (plan->words > STACK_WORDS) {
        heap = PyMem_Malloc((size_t)plan->words * 2 * sizeof(uint64_t));
        if (!heap)
            return fallback_none();
        a.m = heap;
        a.tmp = heap + plan->words;
    }
    Py_INCREF(plan);   /* held through any callback */
    Py_INCREF(event);
    PyObject *out = NULL;
    reset(&a, plan);
    Reader r = {s, s + n, key, klen, NULL, 0, trie};
    if (trie)
        memset(r.tcount, 0, sizeof(r.tcount));
    int st = FALLBACK;
    skip_ws(&r);
    if (r.p < r.end && *r.p == '{' && read_object(&r, plan->root, 0, &a) == OK) {
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
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return OK;
    }
    for (;;) {
        const char *k;
        Py_ssize_t klen;
        int escaped;
        skip_ws(r);
        if (r->p >= r->end || *r->p != '"' || read_string(r, &k, &klen, &escaped) != OK)
            return FALLBACK;
        if (escaped || (klen && memchr(k, '.', (size_t)klen)))
            return FALLBACK;
        skip_ws(r);
        if (r->p >= r->end || *r->p != ':')
            return FALLBACK;
        r->p++;
        skip_ws(r);
        if (r->p >= r->end)
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
        skip_ws(r);
        if (r->p >= r->end)
            return FALLBACK;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p == '}') {
            r->p++;
            return OK;
        }
        return FALLBACK;
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
    if (PyType_Ready(&PlanType) < 0)
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
    return mod;
}
