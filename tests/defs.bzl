"""driver_test: a shell test of the gclab driver."""

def driver_test(name, size, inputs = [], data = [], tags = []):
    """tests/<name>.sh, run as `<name>.sh GCLAB_DRIVER INPUT...`.

    Args:
      name: the test and its script's name.
      size: Bazel's test size.
      inputs: labels passed to the script by path, after the driver.
      data: further files the script reads (not passed).
      tags: Bazel tags.
    """
    native.sh_test(
        name = name,
        size = size,
        srcs = [name + ".sh"],
        args = ["$(location //harness:gclab_driver)"] + ["$(location %s)" % i for i in inputs],
        data = ["//harness:gclab_driver"] + inputs + data,
        tags = tags,
    )
