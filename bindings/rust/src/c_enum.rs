//! `c_enum!`: a Rust enum over one of the header's `int32_t` enums, with the raw value and the
//! library's static name of each variant.

/// `c_enum!(Name, raw_type, name_fn, default Variant = CONST, Variant = CONST, ...)`; doc
/// comments go before each variant, and before `default` for the default one.
macro_rules! c_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $raw:ty, $name_fn:ident,
        $(#[$dmeta:meta])* default $default:ident = $default_value:ident,
        $($(#[$vmeta:meta])* $variant:ident = $value:ident),* $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $(#[$dmeta])*
            #[default]
            $default,
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, the default first.
            pub const ALL: &'static [$name] = &[$name::$default, $($name::$variant),*];

            /// The header's value.
            pub fn raw(self) -> $raw {
                match self {
                    $name::$default => crate::sys::$default_value,
                    $($name::$variant => crate::sys::$value,)*
                }
            }

            /// The variant for a header value; `None` for values these bindings do not know.
            pub fn from_raw(raw: $raw) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.raw() == raw)
            }

            /// The library's name of the value ("int4_sym", "first_layer_only").
            pub fn name(self) -> &'static str {
                // SAFETY: the name functions return static strings for any value.
                unsafe { crate::error::static_str(crate::sys::$name_fn(self.raw())) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
