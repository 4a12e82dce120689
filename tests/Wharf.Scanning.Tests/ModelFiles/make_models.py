#!/usr/bin/python3
"""Makes the real model files the model-file scanner tests read: benign checkpoints written by torch, numpy,
scikit-learn/joblib, h5py and onnx themselves, and malicious ones built the way attackers build them.

    /usr/bin/python3 make_models.py OUT_DIR

Benign files are named benign_*, malicious ones evil_*; the C# tests hold what each must come out as.
"""
import collections, io, json, os, pickle, shutil, struct, subprocess, sys, tarfile, zipfile, zlib

import h5py, joblib, numpy as np, onnx, torch
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def path(name):
    return os.path.join(out, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


class Payload:
    """What every malicious pickle runs: os.system (pickled as posix.system on Linux)."""
    def __reduce__(self):
        return (os.system, ("echo pwned",))


# --- benign: torch ----------------------------------------------------------------------------------------
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
torch.save(net.state_dict(), path("benign_torch_state_dict.pt"))
torch.save(net, path("benign_torch_module.pt"))
torch.save(net.state_dict(), path("benign_torch_state_dict_legacy.pt"), _use_new_zipfile_serialization=False)
torch.save(net, path("benign_torch_module_legacy.pt"), _use_new_zipfile_serialization=False)
torch.save(net.state_dict(), path("benign_torch_state_dict_legacy_p4.pt"), _use_new_zipfile_serialization=False, pickle_protocol=4)
torch.save({"epoch": 3, "weights": net.state_dict(), "shape": torch.Size([2, 3]), "h": torch.ones(2, dtype=torch.float16)},
           path("benign_torch_checkpoint.pt"))

# --- benign: numpy ----------------------------------------------------------------------------------------
np.save(path("benign_array.npy"), np.arange(12, dtype=np.float64).reshape(3, 4))
np.save(path("benign_object_array.npy"), np.array([{"a": 1}, "text", 3, None], dtype=object), allow_pickle=True)
np.savez(path("benign_arrays.npz"), a=np.zeros(5), b=np.ones((2, 2), dtype=np.int32))
np.savez_compressed(path("benign_arrays_compressed.npz"), a=np.arange(100), b=np.eye(3))
with open(path("benign_numpy_pickle.pkl"), "wb") as f:
    pickle.dump({"x": np.arange(6, dtype=np.float32).reshape(2, 3), "n": np.float64(2.5)}, f, protocol=4)

# --- benign: scikit-learn through joblib, plain and with every compressor ----------------------------------
X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] * 5)
y = np.array([0, 1, 1, 0] * 5)
estimator = LogisticRegression().fit(X, y)
joblib.dump(estimator, path("benign_sklearn.joblib"))
for method in ("zlib", "gzip", "bz2", "xz", "lzma"):
    joblib.dump(estimator, path(f"benign_sklearn_{method}.joblib"), compress=(method, 3))
joblib.dump(DecisionTreeClassifier().fit(X, y), path("benign_sklearn_tree.joblib"))

# --- benign: plain data, protocols 0 to 5 ------------------------------------------------------------------
data = {"ints": [1, -2, 2**70], "floats": (1.5, -0.0), "text": "häj", "bytes": b"\x00\x01", "none": None,
        "bools": [True, False], "set": {1, 2}, "frozen": frozenset([3]), "complex": complex(1, 2),
        "bytearray": bytearray(b"ab"), "ordered": collections.OrderedDict(a=1), "slice": slice(1, 5, 2), "range": range(3)}
for protocol in range(6):
    with open(path(f"benign_data_p{protocol}.pkl"), "wb") as f:
        pickle.dump(data, f, protocol=protocol)

# --- benign: safetensors, GGUF, TFLite headers; Keras-like HDF5; ONNX -------------------------------------
header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {"format": "pt"}}).encode()
write("benign.safetensors", struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.0, 2.0))


def gguf(template):
    def string(s):
        b = s.encode()
        return struct.pack("<Q", len(b)) + b
    kv = [("general.architecture", "llama"), ("tokenizer.chat_template", template)]
    body = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kv) + 1)
    for k, v in kv:
        body += string(k) + struct.pack("<I", 8) + string(v)
    body += string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, 3) + struct.pack("<3f", 0, 1, 2)
    return body


write("benign.gguf", gguf("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] | trim }}{% endfor %}"))
write("benign.tflite", b"\x1c\x00\x00\x00TFL3" + b"\x00" * 64)


def keras_h5(name, layers):
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(path(name), "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        f.attrs["keras_version"] = "2.11.0"
        f.create_dataset("model_weights/dense/kernel", data=np.ones((4, 2), dtype=np.float32))


dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu",
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}}}}
keras_h5("benign_keras.h5", [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4]}}, dense])

graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
                          [helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])])
onnx.save(helper.make_model(graph, producer_name="wharf-tests"), path("benign.onnx"))

# --- malicious ---------------------------------------------------------------------------------------------
for protocol in range(6):
    write(f"evil_reduce_p{protocol}.pkl", pickle.dumps(Payload(), protocol=protocol))
write("evil_inst.pkl", b"(S'echo pwned'\nios\nsystem\n.")
write("evil_obj.pkl", b"(cos\nsystem\nS'echo pwned'\no.")
# STACK_GLOBAL whose names come from the memo, written far from where they are used.
write("evil_stack_global_memo.pkl", b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x8c\x04junk0\x94" b"0" b"h\x00h\x01\x93\x8c\x0aecho pwned\x85R.")
inner = pickle.dumps(Payload(), protocol=2)
write("evil_nested.pkl", b"\x80\x02cpickle\nloads\nC" + bytes([len(inner)]) + inner + b"\x85R.")
write("evil_before_break.pkl", b"cos\nsystem\n(S'echo pwned'\ntR\xff\xfe")
# FRAME declares 4 bytes; the payload's opcodes run on past it.
write("evil_frame_mismatch.pkl", b"\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00" b"\x8c\x05posix\x8c\x06system\x93\x8c\x0aecho pwned\x85R.")
write("evil_pkgutil.pkl", b"cpkgutil\nresolve_name\n(S'os:system'\ntR(S'echo pwned'\ntR.")
write("evil_timeit.pkl", b"ctimeit\ntimeit\n(S'__import__(\"os\").system(\"echo pwned\")'\ntR.")
write("evil_ensurepip.pkl", b"censurepip\n_run_pip\n((S'install'\nS'evil'\nltR.")
write("evil_getattr.pkl", b"c__builtin__\ngetattr\n(c__builtin__\n__import__\n(S'os'\ntRS'system'\ntR(S'echo pwned'\ntR.")
write("evil_second_pickle.pkl", pickle.dumps({"fine": 1}, protocol=2) + pickle.dumps(Payload(), protocol=2))
torch.save({"weights": net.state_dict(), "hook": Payload()}, path("evil_torch.pt"))
torch.save({"hook": Payload()}, path("evil_torch_legacy.pt"), _use_new_zipfile_serialization=False)
np.save(path("evil_object_array.npy"), np.array([Payload(), 1], dtype=object), allow_pickle=True)
joblib.dump({"model": estimator, "hook": Payload()}, path("evil_joblib_xz.joblib"), compress=("xz", 3))

# A PyTorch zip with a payload in a member named like tensor data, and one with a bad CRC.
with zipfile.ZipFile(path("benign_torch_state_dict.pt")) as src, zipfile.ZipFile(path("evil_torch_member.pt"), "w") as dst:
    for item in src.infolist():
        dst.writestr(item, src.read(item.filename))
    dst.writestr("archive/data/99", pickle.dumps(Payload(), protocol=2))
with zipfile.ZipFile(path("evil_torch_badcrc.pt"), "w") as dst:
    with zipfile.ZipFile(path("benign_torch_state_dict.pt")) as src:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
    dst.writestr("archive/extra.bin", pickle.dumps(Payload(), protocol=2))
blob = bytearray(open(path("evil_torch_badcrc.pt"), "rb").read())
with zipfile.ZipFile(io.BytesIO(bytes(blob))) as z:
    info = z.getinfo("archive/extra.bin")
bad = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
blob[info.header_offset + 14:info.header_offset + 18] = bad  # local header
for at in range(len(blob) - 4):
    if blob[at:at + 4] == b"PK\x01\x02" and blob[at + 46:at + 46 + len("archive/extra.bin")] == b"archive/extra.bin":
        blob[at + 16:at + 20] = bad
write("evil_torch_badcrc.pt", bytes(blob))
with zipfile.ZipFile(path("evil_zip_traversal.zip"), "w") as z:
    z.writestr("../../outside.pkl", pickle.dumps([1, 2]))

# Wrappers: tar, gzip, 7z around a payload whose name says nothing.
payload = pickle.dumps(Payload(), protocol=4)
with tarfile.open(path("evil_wrapped.tar"), "w") as t:
    ti = tarfile.TarInfo("models/weights.bin")
    ti.size = len(payload)
    t.addfile(ti, io.BytesIO(payload))
import gzip
write("evil_wrapped.gz", gzip.compress(payload))
seven = shutil.which("7zz") or shutil.which("7z") or shutil.which("7za")
if seven:
    write("payload.bin", payload)
    subprocess.run([seven, "a", "-bso0", "-bsp0", path("evil_wrapped.7z"), path("payload.bin")], check=True)
    os.remove(path("payload.bin"))

# Keras: a Lambda layer in .h5 and in a .keras zip; ONNX external data that leaves the folder.
keras_h5("evil_keras_lambda.h5", [dense, {"class_name": "Lambda", "config": {"name": "lambda", "function":
         ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARcAUwCpAk7pAQAAAKkAKQHaAXhyAgAAAHICAAAA", None, None],
         "function_type": "lambda"}}])
with zipfile.ZipFile(path("evil_lambda.keras"), "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
    z.writestr("config.json", json.dumps({"module": "keras", "class_name": "Sequential", "config": {"layers": [
        {"module": "keras.layers", "class_name": "Lambda", "config": {"function": {"class_name": "__lambda__",
         "config": {"code": "4wEAAAAAAAAA"}}}}]}}))
    z.writestr("model.weights.h5", b"")
tensor = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
tensor.ClearField("float_data")
tensor.data_location = TensorProto.EXTERNAL
entry = tensor.external_data.add()
entry.key, entry.value = "location", "../../etc/passwd"
graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], [tensor])
with open(path("evil_external.onnx"), "wb") as f:
    f.write(helper.make_model(graph).SerializeToString())
write("evil.gguf", gguf("{{ cycler.__init__.__globals__.os.popen('id').read() }}"))
print("ok")
