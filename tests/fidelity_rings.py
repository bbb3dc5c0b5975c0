"""fidelity_rings.py -- the `rings` scenario of fidelity_trace.c, in Python.

pyperformance's gc_collect benchmark (docs/references.md, "Workloads",
"pyperformance gc_collect and gc_traversal"): rings of 21 doubly linked nodes
held by one list, the list dropped, then gc.collect().  The nodes use __slots__,
so each is one tracked object with no instance dict, as a gclab node is.  Prints
the transcript's answer lines ("collect N" before the rings are built, "rings
RxN: collect N" after they are dropped); the statistics lines are not
reproduced, since the Python program's own tracked allocations (the result of
gc.get_stats() itself) move generation 0's count by a few objects.
"""
import gc

LINKS = 20  # pyperformance's LINKS: 21 nodes per ring


class Node:
    __slots__ = ("next", "prev")

    def __init__(self):
        self.next = None
        self.prev = None


def link(a, b):
    a.next = b
    b.prev = a


def create_cycle(node, n_links):
    current = node
    for _ in range(n_links):
        next_node = Node()
        link(current, next_node)
        current = next_node
    link(current, node)


def create_gc_cycles(n_cycles, n_links):
    cycles = []
    for _ in range(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


def main():
    print("== rings")
    for rings in (100, 1000):
        gc.collect()  # the interpreter's own garbage, if any
        print("collect %d" % gc.collect())
        all_cycles = create_gc_cycles(rings, LINKS)
        del all_cycles
        print("rings %dx%d: collect %d" % (rings, LINKS + 1, gc.collect()))


main()
