import CThriftGLib
import RotorModel
import RotorThriftGen

/// Small conversions between Swift values and the GLib types that the
/// generated c_glib structs use. Ownership follows the generated code: a
/// struct's finalizer frees its GByteArrays, strings and nested structs.
enum GLibBridge {
    static func bytes(_ array: UnsafeMutablePointer<GByteArray>?) -> Bytes {
        guard let array, array.pointee.len > 0, let data = array.pointee.data else { return [] }
        return Bytes(UnsafeBufferPointer(start: data, count: Int(array.pointee.len)))
    }

    static func byteArray(_ bytes: Bytes) -> UnsafeMutablePointer<GByteArray> {
        bytes.withUnsafeBufferPointer { rkv_bytes_new($0.baseAddress, guint32($0.count)) }
    }

    static func string(_ pointer: UnsafePointer<gchar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func duplicate(_ string: String) -> UnsafeMutablePointer<gchar> {
        g_strdup(string)
    }

    /// Allocates a generated struct (a GObject) of `type`.
    static func newStruct<T>(_ type: GType, as _: T.Type) -> UnsafeMutablePointer<T> {
        guard let object = rkv_struct_new(type) else { preconditionFailure("g_object_new failed for GType \(type)") }
        return object.assumingMemoryBound(to: T.self)
    }

    static func release<T>(_ object: UnsafeMutablePointer<T>) {
        rkv_object_unref(object)
    }

    /// The message of a GError, which is then freed.
    static func consume(_ error: UnsafeMutablePointer<GError>?) -> String {
        guard let error else { return "unknown error" }
        defer { g_error_free(error) }
        return string(error.pointee.message)
    }
}

extension Bool {
    @inline(__always) init(gboolean value: gboolean) { self = value != 0 }
    @inline(__always) var gboolean: gboolean { self ? 1 : 0 }
}
