// Post-training INT8 quantization of the bundled Fashion-MNIST CNN from Go: calibrates on the
// first 300 training images, measures top-1 accuracy on the 10 000 test images before and after
// with the library's own inference, saves the quantized model, and exits 1 when the accuracy
// drops by more than maxDropPoints (the C example's bound).
//
// Usage: quantize_fashion_mnist <model.onnx> <quantized.onnx> [fashion-mnist dir]
// Exit codes: 0 success, 1 failure or too large a drop, 2 bad usage, 77 data set not installed.
package main

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	nncf "libnncf/bindings/go"
)

const (
	maxDropPoints     = 1.0
	calibrationImages = 300
	evalBatch         = 100
	pixels            = 28 * 28
	defaultDataDir    = "/usr/share/datasets/fashion-mnist"
)

type imageSet struct {
	images []float32 // [count, 1, 28, 28], normalized as (pixel / 255 - 0.5) / 0.5
	labels []byte
}

func (s imageSet) count() int { return len(s.labels) }

// readIdx reads a gzip-compressed IDX file and returns its payload after the header.
func readIdx(path string, headerWords int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer z.Close()
	header := make([]uint32, headerWords)
	if err := binary.Read(z, binary.BigEndian, header); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	return io.ReadAll(z)
}

func loadSet(dir, prefix string) (imageSet, error) {
	raw, err := readIdx(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), 4)
	if err != nil {
		return imageSet{}, err
	}
	labels, err := readIdx(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), 2)
	if err != nil {
		return imageSet{}, err
	}
	if len(raw) != len(labels)*pixels {
		return imageSet{}, fmt.Errorf("%s: %d image bytes for %d labels", prefix, len(raw), len(labels))
	}
	images := make([]float32, len(raw))
	for i, p := range raw {
		images[i] = (float32(p)/255 - 0.5) / 0.5
	}
	return imageSet{images: images, labels: labels}, nil
}

// top1 evaluates the model on every image of the set, evalBatch images per call.
func top1(model *nncf.Model, set imageSet) (float64, error) {
	correct := 0
	for first := 0; first < set.count(); first += evalBatch {
		n := evalBatch
		if first+n > set.count() {
			n = set.count() - first
		}
		input, err := nncf.NewSample()
		if err != nil {
			return 0, err
		}
		err = input.SetFloat32("image", []int64{int64(n), 1, 28, 28},
			set.images[first*pixels:(first+n)*pixels])
		if err == nil {
			var output *nncf.Sample
			output, err = model.Infer(input, nil)
			if err == nil {
				var logits nncf.Tensor
				if logits, err = output.Tensor(0); err == nil {
					var values []float32
					if values, err = logits.Float32s(); err == nil {
						for i := 0; i < n; i++ {
							row := values[i*10 : (i+1)*10]
							best := 0
							for k := range row {
								if row[k] > row[best] {
									best = k
								}
							}
							if byte(best) == set.labels[first+i] {
								correct++
							}
						}
					}
				}
				output.Close()
			}
		}
		input.Close()
		if err != nil {
			return 0, err
		}
	}
	return 100 * float64(correct) / float64(set.count()), nil
}

func run() int {
	if len(os.Args) < 3 || len(os.Args) > 4 {
		fmt.Fprintln(os.Stderr, "usage: quantize_fashion_mnist <model.onnx> <quantized.onnx> [fashion-mnist dir]")
		return 2
	}
	dataDir := defaultDataDir
	if len(os.Args) == 4 {
		dataDir = os.Args[3]
	}
	train, err := loadSet(dataDir, "train")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(os.Stderr, "Fashion-MNIST not found (%v); install Debian's dataset-fashion-mnist\n", err)
			return 77
		}
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	test, err := loadSet(dataDir, "t10k")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("libnncf %s (Go binding)\n", nncf.VersionString())

	model, err := nncf.LoadModel(os.Args[1], nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer model.Close()

	// One calibration item per training image, built on demand by the callback.
	dataset, err := nncf.NewDataset(calibrationImages, func(index int, out *nncf.Sample) error {
		return out.SetFloat32("image", []int64{1, 1, 28, 28}, train.images[index*pixels:(index+1)*pixels])
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer dataset.Close()

	floatTop1, err := top1(model, test)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	options := nncf.NewQuantizeOptions()
	options.SubsetSize = calibrationImages
	start := time.Now()
	quantized, report, err := model.Quantize(dataset, options)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quantize:", err)
		return 1
	}
	defer quantized.Close()
	elapsed := time.Since(start)
	quantTop1, err := top1(quantized, test)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := quantized.Save(os.Args[2], nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("quantized %s in %.2f s with %d calibration images (report: %d bytes of JSON)\n",
		os.Args[1], elapsed.Seconds(), calibrationImages, len(report))
	fmt.Printf("top-1 on %d test images: float %.2f%%, int8 %.2f%% (drop %.2f points, bound %.1f)\n",
		test.count(), floatTop1, quantTop1, floatTop1-quantTop1, maxDropPoints)
	fmt.Printf("saved %s\n", os.Args[2])
	if floatTop1-quantTop1 > maxDropPoints {
		fmt.Fprintln(os.Stderr, "accuracy dropped by more than the bound")
		return 1
	}
	return 0
}

func main() { os.Exit(run()) }
