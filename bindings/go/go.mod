module libnncf/bindings/go

go 1.19
