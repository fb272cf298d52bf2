;; Integer dot products of one int16 query against many int8 rows, with 128-bit SIMD.
;; The search prefilter calls this once per query term and space: the scan is
;; bound by memory traffic, and int8 rows are a quarter of the float32 bytes.
;;
;; dots(rows, n, stride, query, out): for r in [0, n):
;;   out[r] = sum over j < stride of int8(rows[r*stride + j]) * int16(query[j])
;; stride is a multiple of 16 (rows are zero-padded); the caller keeps
;; |sum| < 2^31 by choosing the query's integer range from the dimension.
(module
  (memory (export "memory") 1)
  (func (export "dots")
    (param $rows i32) (param $n i32) (param $stride i32) (param $query i32) (param $out i32)
    (local $row i32) (local $end i32) (local $end_row i32) (local $p i32) (local $q i32)
    (local $acc0 v128) (local $acc1 v128) (local $v v128)
    (local.set $row (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $n) (local.get $stride))))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $row))
        (local.set $q (local.get $query))
        (local.set $end_row (i32.add (local.get $row) (local.get $stride)))
        (loop $cols
          (local.set $v (v128.load (local.get $p)))
          (local.set $acc0 (i32x4.add (local.get $acc0)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $q)))))
          (local.set $acc1 (i32x4.add (local.get $acc1)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $q)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (br_if $cols (i32.lt_u (local.get $p) (local.get $end_row))))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (local.get $end_row))
        (br $rows_loop)))))
